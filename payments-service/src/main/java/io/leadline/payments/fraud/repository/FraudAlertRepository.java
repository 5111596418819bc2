package io.leadline.payments.fraud.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.payments.fraud.FraudAlertRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class FraudAlertRepository {

    private static final String COLUMNS =
            "id, rule, severity, customer_id, transaction_id, details, window_start, created_at";

    @Inject
    AgroalDataSource dataSource;

    /** Stores the alert unless this rule already alerted for the customer within its window. */
    public Optional<FraudAlertRecord> insertOnce(String rule, String severity, long customerId, Long transactionId,
            String details, Duration window) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))")) {
                lock.setString(1, "fraud:" + rule);
                lock.setString(2, String.valueOf(customerId));
                lock.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO fraud_alerts (rule, severity, customer_id, transaction_id, details, window_start, window_end)
                    SELECT ?, ?, ?, ?, ?, clock_timestamp(), clock_timestamp() + make_interval(secs => ?)
                    WHERE NOT EXISTS (SELECT 1 FROM fraud_alerts
                                      WHERE rule = ? AND customer_id = ? AND window_end > clock_timestamp())
                    RETURNING """ + " " + COLUMNS)) {
                ps.setString(1, rule);
                ps.setString(2, severity);
                ps.setLong(3, customerId);
                ps.setObject(4, transactionId);
                ps.setString(5, details);
                ps.setDouble(6, window.toMillis() / 1000.0);
                ps.setString(7, rule);
                ps.setLong(8, customerId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(alert(rs)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store fraud alert", e);
        }
    }

    public List<FraudAlertRecord> list(String rule, Long customerId, int page, int size) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM fraud_alerts WHERE true");
        List<Object> args = new ArrayList<>();
        if (rule != null) {
            sql.append(" AND rule = ?");
            args.add(rule);
        }
        if (customerId != null) {
            sql.append(" AND customer_id = ?");
            args.add(customerId);
        }
        sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
        args.add(size);
        args.add((long) page * size);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<FraudAlertRecord> alerts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alerts.add(alert(rs));
                }
            }
            return alerts;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list fraud alerts", e);
        }
    }

    private static FraudAlertRecord alert(ResultSet rs) throws SQLException {
        long tx = rs.getLong(5);
        Long transactionId = rs.wasNull() ? null : tx;
        return new FraudAlertRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), transactionId,
                rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant());
    }
}
