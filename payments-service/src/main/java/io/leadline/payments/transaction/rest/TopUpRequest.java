package io.leadline.payments.transaction.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * {@code amount} is the number of credits to buy, {@code currency} what they are paid in: one of the
 * currencies credits have a price in ({@code leadline.payments.credit-price.*}).
 */
public record TopUpRequest(
        @NotNull @Positive @Max(100_000) Long amount,
        @NotNull @Pattern(regexp = "stripe|razorpay", message = "must be stripe or razorpay") String provider,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be a three-letter ISO 4217 code such as USD") String currency) {
}
