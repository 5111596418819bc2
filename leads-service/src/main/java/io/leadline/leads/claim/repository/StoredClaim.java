package io.leadline.leads.claim.repository;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.shared.database.NativeSql;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code claims}. Rows are written by native statements ({@code RETURNING}, status moves that
 * hold only from the status seen) and read by native queries of {@link ClaimRepository#COLUMNS}.
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

    /** Null for claims made before payment keys existed. */
    @Column(name = "payment_key")
    public UUID paymentKey;

    /** A claim from a row of {@link ClaimRepository#COLUMNS}, in that order. */
    static Claim read(NativeSql.Row row) {
        return new Claim(row.longValue(), row.longValue(), row.longValue(), row.string(), row.intValue(),
                ClaimStatus.fromWireName(row.string()), row.nullableLong(), row.instant(), row.instant(), row.uuid());
    }
}
