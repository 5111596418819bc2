package io.leadline.payments.escrow.rest;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.transaction.rest.PaymentView;

import java.math.BigDecimal;
import java.time.Instant;

/** An escrow as its parties see it; {@code payment} is included when it is created, for the buyer to pay. */
public record EscrowView(long id, String buyerId, String sellerId, BigDecimal amount, String currency,
        String description, String status, Long paymentId, boolean buyerConfirmed, boolean sellerConfirmed,
        String disputeReason, String disputedBy, String resolutionNote, Instant createdAt, Instant updatedAt,
        PaymentView payment) {

    public static EscrowView of(Escrow e, PaymentView payment) {
        return new EscrowView(e.id(), String.valueOf(e.buyerId()), String.valueOf(e.sellerId()), e.amount(),
                e.currency(), e.description(), e.status().name(), e.paymentId(), e.buyerConfirmed(),
                e.sellerConfirmed(), e.disputeReason(), e.disputedBy() == null ? null : String.valueOf(e.disputedBy()),
                e.resolutionNote(), e.createdAt(), e.updatedAt(), payment);
    }
}
