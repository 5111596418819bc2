package io.leadline.payments.transaction.repository;

import io.leadline.payments.transaction.Refund;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;

/** A row of {@code refunds}. */
@Entity
@Table(name = "refunds")
public class RefundRow {

    @Id
    public Long id;

    @Column(name = "payment_id")
    public long paymentId;

    public BigDecimal amount;

    public String source;

    public String reason;

    @Column(name = "credits_clawed_back")
    public long creditsClawedBack;

    @Column(name = "credits_shortfall")
    public long creditsShortfall;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_fingerprint")
    public String requestFingerprint;

    @Column(name = "created_at")
    public Instant createdAt;

    Refund toRefund() {
        return new Refund(id, paymentId, amount, source, reason, creditsClawedBack, creditsShortfall, createdAt,
                requestFingerprint);
    }
}
