package io.leadline.payments.escrow.repository;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.EscrowStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;

/** A row of {@code escrows}. */
@Entity
@Table(name = "escrows")
public class EscrowRow {

    @Id
    public Long id;

    @Column(name = "buyer_id")
    public long buyerId;

    @Column(name = "seller_id")
    public long sellerId;

    public BigDecimal amount;

    public String currency;

    public String description;

    public String status;

    @Column(name = "payment_id")
    public Long paymentId;

    @Column(name = "buyer_confirmed")
    public boolean buyerConfirmed;

    @Column(name = "seller_confirmed")
    public boolean sellerConfirmed;

    @Column(name = "dispute_reason")
    public String disputeReason;

    @Column(name = "disputed_by")
    public Long disputedBy;

    @Column(name = "resolution_note")
    public String resolutionNote;

    @Column(name = "parties_published_at")
    public Instant partiesPublishedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    Escrow toEscrow() {
        return new Escrow(id, buyerId, sellerId, amount, currency.trim(), description, EscrowStatus.valueOf(status),
                paymentId, buyerConfirmed, sellerConfirmed, disputeReason, disputedBy, resolutionNote,
                partiesPublishedAt, createdAt, updatedAt);
    }
}
