package io.leadline.payments.escrow;

import java.math.BigDecimal;
import java.time.Instant;

public record Escrow(long id, long buyerId, long sellerId, BigDecimal amount, String currency, String description,
        EscrowStatus status, Long paymentId, boolean buyerConfirmed, boolean sellerConfirmed, String disputeReason,
        Long disputedBy, String resolutionNote, Instant partiesPublishedAt, Instant createdAt, Instant updatedAt) {

    public boolean isParty(long userId) {
        return userId == buyerId || userId == sellerId;
    }
}
