package io.leadline.payments.fraud.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * One sentence a person reads for an alert, from its rule and details: the numbers as the rule saw them
 * against its settings, so that a page, an app or the REST list can show it as it is. Built from the
 * stored details, so alerts stored before the sentence existed read the same.
 */
public final class FraudAlertSummary {

    private FraudAlertSummary() {
    }

    public static String of(String rule, JsonNode details) {
        return switch (rule) {
            case FraudRules.VELOCITY -> count(details.path("payments"), "payment") + " within "
                    + window(details.path("window")) + ", more than the " + details.path("max_payments").asText()
                    + " allowed";
            case FraudRules.AMOUNT_THRESHOLD -> "a payment of " + amount(details.path("amount")) + " "
                    + details.path("currency").asText() + ", at or above the alert threshold of "
                    + amount(details.path("threshold"));
            case FraudRules.REPEATED_FAILURES -> count(details.path("failures"), "failed payment") + " within "
                    + window(details.path("window")) + ", " + details.path("max_failures").asText()
                    + " or more raise an alert";
            default -> rule.replace('_', ' ');
        };
    }

    private static String count(JsonNode value, String noun) {
        long n = value.asLong();
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Whole amounts without decimals, others with at least two: 99000, 1250.50. */
    private static String amount(JsonNode value) {
        if (!value.isNumber()) {
            return value.asText();
        }
        BigDecimal amount = new BigDecimal(value.asText()).stripTrailingZeros();
        return amount.scale() <= 0 ? amount.toPlainString() : amount.setScale(Math.max(2, amount.scale())).toPlainString();
    }

    /** An ISO-8601 duration as the largest whole unit it is made of: PT10M is 10 minutes, PT90S 90 seconds. */
    static String window(JsonNode value) {
        Duration window;
        try {
            window = Duration.parse(value.asText());
        } catch (DateTimeParseException e) {
            return value.asText();
        }
        long seconds = window.getSeconds();
        if (seconds > 0 && seconds % 3600 == 0) {
            return unit(seconds / 3600, "hour");
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return unit(seconds / 60, "minute");
        }
        return unit(seconds, "second");
    }

    private static String unit(long n, String name) {
        return n + " " + name + (n == 1 ? "" : "s");
    }
}
