package io.leadline.payments.transaction.rest;

import io.leadline.payments.transaction.Payment;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment over REST. {@code amount} is in the currency's major units (40.00 USD), {@code amountMinor}
 * the same in minor units (4000): what the provider must report, with {@code currency}, to settle it.
 */
public record PaymentView(long id, String kind, String status, BigDecimal amount, long amountMinor, String currency,
        Long credits, String provider, String providerReference, String customerRef, BigDecimal refundedAmount,
        String failureReason, Long escrowId, Instant createdAt, Instant updatedAt) {

    public static PaymentView of(Payment p) {
        return new PaymentView(p.id(), p.kind(), p.status(), p.amount(), p.amountMinor(), p.currency(), p.credits(),
                p.provider(), p.providerReference(), String.valueOf(p.customerId()), p.refundedAmount(),
                p.failureReason(), p.escrowId(), p.createdAt(), p.updatedAt());
    }
}
