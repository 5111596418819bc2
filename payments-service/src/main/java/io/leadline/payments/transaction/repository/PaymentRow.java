package io.leadline.payments.transaction.repository;

import io.leadline.payments.transaction.Payment;
import io.leadline.shared.database.NativeSql;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;

/** A row of {@code payments}. */
@Entity
@Table(name = "payments")
public class PaymentRow {

    @Id
    public Long id;

    public String kind;

    @Column(name = "customer_id")
    public long customerId;

    public BigDecimal amount;

    @Column(name = "amount_minor")
    public long amountMinor;

    public String currency;

    public Long credits;

    public String provider;

    @Column(name = "provider_reference")
    public String providerReference;

    public String status;

    @Column(name = "refunded_amount")
    public BigDecimal refundedAmount;

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "escrow_id")
    public Long escrowId;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The columns {@link #read} reads, in its order. */
    static final String COLUMNS = "id, kind, customer_id, amount, currency, credits, provider, provider_reference, "
            + "status, refunded_amount, failure_reason, escrow_id, created_at, updated_at, amount_minor";

    /** A payment from a native row of {@link #COLUMNS}. */
    static Payment read(NativeSql.Row row) {
        return new Payment(row.longValue(), row.string(), row.longValue(), row.decimal(), row.string().trim(),
                row.nullableLong(), row.string(), row.string(), row.string(), row.decimal(), row.string(),
                row.nullableLong(), row.instant(), row.instant(), row.longValue());
    }

    /** A payment from an entity read through HQL ({@link PaymentRepository#list}). */
    Payment toPayment() {
        return new Payment(id, kind, customerId, amount, currency.trim(), credits, provider, providerReference, status,
                refundedAmount, failureReason, escrowId, createdAt, updatedAt, amountMinor);
    }
}
