package io.leadline.leads.claim.repository;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code claims}. Rows are written by native statements ({@code RETURNING}, status moves that
 * hold only from the status seen) and read by native queries that select {@code payment_key} as text
 * ({@link ClaimRepository#COLUMNS}).
 */
@Entity
@Table(name = "claims")
public class StoredClaim {

    @Id
    public Long id;

    @Column(name = "lead_id")
    public long leadId;

    @Column(name = "account_id")
    public long accountId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    public int price;

    public String status;

    @Column(name = "balance_after")
    public Long balanceAfter;

    public String outcome;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The UUID as text; null for claims made before payment keys existed. */
    @Column(name = "payment_key")
    public String paymentKey;

    Claim toClaim() {
        return new Claim(id, leadId, accountId, idempotencyKey, price, ClaimStatus.fromWireName(status), balanceAfter,
                createdAt, updatedAt, paymentKey == null ? null : UUID.fromString(paymentKey));
    }
}
