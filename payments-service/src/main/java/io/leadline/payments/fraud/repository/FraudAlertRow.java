package io.leadline.payments.fraud.repository;

import io.leadline.payments.fraud.FraudAlertRecord;
import io.leadline.shared.database.NativeSql;
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

    /** The columns {@link #read} reads, in its order. */
    static final String COLUMNS = "id, rule, severity, customer_id, transaction_id, details, window_start, created_at";

    /** An alert from a native row of {@link #COLUMNS}. */
    static FraudAlertRecord read(NativeSql.Row row) {
        return new FraudAlertRecord(row.longValue(), row.string(), row.string(), row.longValue(), row.nullableLong(),
                row.string(), row.instant(), row.instant());
    }

    /** An alert from an entity read through HQL ({@link FraudAlertRepository#list}). */
    FraudAlertRecord toRecord() {
        return new FraudAlertRecord(id, rule, severity, customerId, transactionId, details, windowStart, createdAt);
    }
}
