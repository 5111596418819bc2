package io.leadline.payments.fraud.repository;

import io.leadline.payments.fraud.FraudAlertRecord;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code fraud_alerts}. */
@Entity
@Table(name = "fraud_alerts")
public class FraudAlertRow {

    @Id
    public Long id;

    public String rule;

    public String severity;

    @Column(name = "customer_id")
    public long customerId;

    @Column(name = "transaction_id")
    public Long transactionId;

    public String details;

    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "window_end")
    public Instant windowEnd;

    @Column(name = "created_at")
    public Instant createdAt;

    FraudAlertRecord toRecord() {
        return new FraudAlertRecord(id, rule, severity, customerId, transactionId, details, windowStart, createdAt);
    }
}
