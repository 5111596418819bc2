package io.leadline.payments.transaction.rest;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;

/** {@code amount} in the payment's currency; omitted, the whole refundable rest. */
public record RefundRequest(
        @DecimalMin(value = "0.01") @Digits(integer = 12, fraction = 2) BigDecimal amount,
        @Size(max = 500) String reason) {
}
