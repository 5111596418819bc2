package io.leadline.payments.money;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Optional;

/**
 * An amount in a currency's smallest unit (cents, paise), as payment providers report it: exact, so a
 * provider's amount is compared with ours as two integers and two currency codes, nothing rounded.
 * Accepted currencies are ISO 4217 codes with at most two decimals (the major-unit columns are
 * NUMERIC(14,2)).
 */
public record Money(long minor, String currency) {

    public Money {
        if (digits(currency).isEmpty()) {
            throw new IllegalArgumentException("not an accepted currency: " + currency);
        }
    }

    /** The number of decimals of an accepted currency (2 for USD, 0 for JPY); empty for anything else. */
    public static Optional<Integer> digits(String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            return Optional.empty();
        }
        try {
            int digits = Currency.getInstance(currency).getDefaultFractionDigits();
            return digits >= 0 && digits <= 2 ? Optional.of(digits) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static boolean isAccepted(String currency) {
        return digits(currency).isPresent();
    }

    /** A provider's currency code as sent (Stripe writes {@code usd}); null stays null. */
    public static String normalize(String currency) {
        return currency == null ? null : currency.trim().toUpperCase(Locale.ROOT);
    }

    /** {@code major} (40.00 USD) in minor units (4000); ArithmeticException when it is finer than the currency allows. */
    public static Money ofMajor(BigDecimal major, String currency) {
        int digits = digits(currency).orElseThrow(() -> new IllegalArgumentException("not an accepted currency: " + currency));
        return new Money(major.movePointRight(digits).longValueExact(), currency);
    }

    /** True when {@code major} has no more decimals than the currency has. */
    public static boolean fits(BigDecimal major, String currency) {
        return digits(currency).map(d -> major.stripTrailingZeros().scale() <= d).orElse(false);
    }

    /** The amount in major units with the currency's decimals (4000 USD cents: 40.00). */
    public BigDecimal major() {
        return BigDecimal.valueOf(minor, digits(currency).orElseThrow());
    }

    @Override
    public String toString() {
        return major().toPlainString() + " " + currency;
    }
}
