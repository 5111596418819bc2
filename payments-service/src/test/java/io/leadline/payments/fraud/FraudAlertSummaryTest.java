package io.leadline.payments.fraud;

import io.leadline.payments.fraud.service.FraudAlertSummary;
import io.leadline.shared.json.JsonCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The sentence of each rule, from details as FraudRules stores them. */
class FraudAlertSummaryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            velocity          | {"payments":6,"max_payments":5,"window":"PT10M","provider":"stripe"}                  | 6 payments within 10 minutes, more than the 5 allowed
            velocity          | {"payments":2,"max_payments":1,"window":"PT90S","provider":"stripe"}                  | 2 payments within 90 seconds, more than the 1 allowed
            amount_threshold  | {"amount":99000.0,"currency":"USD","threshold":1000,"provider":"stripe"}              | a payment of 99000 USD, at or above the alert threshold of 1000
            amount_threshold  | {"amount":1250.50,"currency":"EUR","threshold":1000.00,"provider":"razorpay"}         | a payment of 1250.50 EUR, at or above the alert threshold of 1000
            repeated_failures | {"failures":3,"max_failures":3,"window":"PT1H","provider":"stripe"}                   | 3 failed payments within 1 hour, 3 or more raise an alert
            repeated_failures | {"failures":4,"max_failures":2,"window":"PT2H","provider":"stripe"}                   | 4 failed payments within 2 hours, 2 or more raise an alert
            gut_feeling       | {}                                                                                   | gut feeling
            """)
    void eachRuleReadsAsASentence(String rule, String details, String summary) {
        assertThat(FraudAlertSummary.of(rule, JsonCodec.tree(details.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(summary);
    }
}
