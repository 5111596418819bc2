package io.leadline.payments.escrow.rest;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;

/** The caller is the buyer; {@code provider} (stripe by default) takes the buyer's payment. */
public record CreateEscrowRequest(
        @NotNull @Positive Long sellerId,
        @NotNull @DecimalMin("0.01") @DecimalMax("1000000") @Digits(integer = 7, fraction = 2) BigDecimal amount,
        @NotNull @Pattern(regexp = "USD|EUR|GBP|INR|CAD|AUD", message = "must be one of USD, EUR, GBP, INR, CAD, AUD") String currency,
        @NotBlank @Size(max = 1000) String description,
        @Pattern(regexp = "stripe|razorpay", message = "must be stripe or razorpay") String provider) {
}
