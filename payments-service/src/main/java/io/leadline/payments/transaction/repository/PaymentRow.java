package io.leadline.payments.transaction.repository;

import io.leadline.payments.transaction.Payment;
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

    Payment toPayment() {
        return new Payment(id, kind, customerId, amount, currency.trim(), credits, provider, providerReference, status,
                refundedAmount, failureReason, escrowId, createdAt, updatedAt, amountMinor);
    }
}
