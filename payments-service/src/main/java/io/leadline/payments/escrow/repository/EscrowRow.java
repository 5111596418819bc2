package io.leadline.payments.escrow.repository;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.EscrowStatus;
import io.leadline.shared.database.NativeSql;
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

    /** The columns {@link #read} reads, in its order. */
    static final String COLUMNS = "id, buyer_id, seller_id, amount, currency, description, status, payment_id, "
            + "buyer_confirmed, seller_confirmed, dispute_reason, disputed_by, resolution_note, parties_published_at, "
            + "created_at, updated_at";

    /** An escrow from a native row of {@link #COLUMNS}. */
    static Escrow read(NativeSql.Row row) {
        return new Escrow(row.longValue(), row.longValue(), row.longValue(), row.decimal(), row.string().trim(),
                row.string(), EscrowStatus.valueOf(row.string()), row.nullableLong(), row.bool(), row.bool(),
                row.string(), row.nullableLong(), row.string(), row.instant(), row.instant(), row.instant());
    }
}
