package io.leadline.payments.transaction.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/** {@code amount} is the number of credits to buy; {@code currency} defaults to the configured one. */
public record TopUpRequest(
        @NotNull @Positive @Max(100_000) Long amount,
        @NotNull @Pattern(regexp = "stripe|razorpay", message = "must be stripe or razorpay") String provider,
        @Pattern(regexp = "USD|EUR|GBP|INR|CAD|AUD", message = "must be one of USD, EUR, GBP, INR, CAD, AUD") String currency) {
}
