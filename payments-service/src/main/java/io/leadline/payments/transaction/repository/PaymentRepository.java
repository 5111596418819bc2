package io.leadline.payments.transaction.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.payments.money.Money;
import io.leadline.payments.transaction.Metrics;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentFilter;
import io.leadline.payments.transaction.Refund;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class PaymentRepository {

    private static final String COLUMNS = "id, kind, customer_id, amount, currency, credits, provider, "
            + "provider_reference, status, refunded_amount, failure_reason, escrow_id, created_at, updated_at, amount_minor";

    private static final String REFUND_COLUMNS = "id, payment_id, amount, source, reason, credits_clawed_back, "
            + "credits_shortfall, created_at, request_fingerprint";

    @Inject
    AgroalDataSource dataSource;

    public record Page(List<Payment> items, long total) {
    }

    /** A pending payment of {@code money}, stored in minor units and, for display, in major units. */
    public Payment insert(String kind, long customerId, Money money, Long credits, String provider,
            String providerReference, Long escrowId) {
        String sql = "INSERT INTO payments (kind, customer_id, amount, amount_minor, currency, credits, provider, "
                + "provider_reference, status, escrow_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kind);
            ps.setLong(2, customerId);
            ps.setBigDecimal(3, money.major());
            ps.setLong(4, money.minor());
            ps.setString(5, money.currency());
            setLong(ps, 6, credits);
            ps.setString(7, provider);
            ps.setString(8, providerReference);
            setLong(ps, 9, escrowId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return payment(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create payment", e);
        }
    }

    public Optional<Payment> findById(long id, boolean lock) {
        return findOne("SELECT " + COLUMNS + " FROM payments WHERE id = ?" + (lock ? " FOR UPDATE" : ""), id);
    }

    public Optional<Payment> lockByReference(String provider, String reference) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM payments WHERE provider = ? AND provider_reference = ? FOR UPDATE")) {
            ps.setString(1, provider);
            ps.setString(2, reference);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(payment(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read payment", e);
        }
    }

    public Payment updateStatus(long id, String status, String failureReason) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE payments SET status = ?, failure_reason = ?, updated_at = now() WHERE id = ? RETURNING " + COLUMNS)) {
            ps.setString(1, status);
            ps.setString(2, failureReason);
            ps.setLong(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return payment(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update payment", e);
        }
    }

    public Payment addRefunded(long id, BigDecimal amount) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE payments SET refunded_amount = refunded_amount + ?,
                    status = CASE WHEN refunded_amount + ? >= amount THEN 'refunded' ELSE status END,
                    updated_at = now()
                WHERE id = ? RETURNING """ + " " + COLUMNS)) {
            ps.setBigDecimal(1, amount);
            ps.setBigDecimal(2, amount);
            ps.setLong(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return payment(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record refund", e);
        }
    }

    /** Inserts a refund row; empty when one with this key exists already. */
    public Optional<Refund> insertRefund(long paymentId, BigDecimal amount, String source, String reason,
            long clawedBack, long shortfall, String key, String fingerprint) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO refunds (payment_id, amount, source, reason, credits_clawed_back, credits_shortfall,
                    idempotency_key, request_fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING """ + " " + REFUND_COLUMNS)) {
            ps.setLong(1, paymentId);
            ps.setBigDecimal(2, amount);
            ps.setString(3, source);
            ps.setString(4, reason);
            ps.setLong(5, clawedBack);
            ps.setLong(6, shortfall);
            ps.setString(7, key);
            ps.setString(8, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(refund(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record refund", e);
        }
    }

    /**
     * Holds the refund key until the transaction ends, so requests sharing a key run one after the
     * other, whichever payment they name: the later one then finds the earlier one's refund.
     */
    public void lockRefundKey(String key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('refund-key'), hashtext(?))")) {
            ps.setString(1, key);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock refund key", e);
        }
    }

    public Optional<Refund> findRefundByKey(String key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + REFUND_COLUMNS + " FROM refunds WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(refund(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read refund", e);
        }
    }

    public Page list(PaymentFilter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (filter.status() != null) {
            where.append(" AND status = ?");
            args.add(filter.status());
        }
        if (filter.provider() != null) {
            where.append(" AND provider = ?");
            args.add(filter.provider());
        }
        if (filter.kind() != null) {
            where.append(" AND kind = ?");
            args.add(filter.kind());
        }
        if (filter.customerId() != null) {
            where.append(" AND customer_id = ?");
            args.add(filter.customerId());
        }
        if (filter.from() != null) {
            where.append(" AND created_at >= ?");
            args.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND created_at < ?");
            args.add(Timestamp.from(filter.to()));
        }
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM payments" + where)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Payment> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM payments" + where
                    + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")) {
                List<Object> all = new ArrayList<>(args);
                all.add(size);
                all.add((long) page * size);
                bind(ps, all);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(payment(rs));
                    }
                }
            }
            return new Page(items, total);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list payments", e);
        }
    }

    /**
     * Metrics of the payments created within {@code window} (all of them when null). Revenue is kept
     * per currency: amounts in different currencies are never added up.
     */
    public Metrics metrics(Duration window, String windowName, String revenueCurrency) {
        Timestamp since = window == null ? new Timestamp(0) : Timestamp.from(Instant.now().minus(window));
        try (Connection c = dataSource.getConnection()) {
            long count;
            long succeeded;
            long settled;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*),
                           count(*) FILTER (WHERE status IN ('succeeded', 'refunded')),
                           count(*) FILTER (WHERE status IN ('succeeded', 'refunded', 'failed'))
                    FROM payments WHERE created_at >= ?""")) {
                ps.setTimestamp(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                    succeeded = rs.getLong(2);
                    settled = rs.getLong(3);
                }
            }
            Map<String, BigDecimal> revenue = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT currency, sum(amount - refunded_amount) FROM payments
                    WHERE created_at >= ? AND status IN ('succeeded', 'refunded')
                    GROUP BY currency""")) {
                ps.setTimestamp(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        revenue.put(rs.getString(1).trim(), rs.getBigDecimal(2).setScale(2, RoundingMode.HALF_UP));
                    }
                }
            }
            BigDecimal rate = settled == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf(succeeded).divide(BigDecimal.valueOf(settled), 4, RoundingMode.HALF_UP);
            BigDecimal total = revenue.getOrDefault(revenueCurrency, BigDecimal.ZERO.setScale(2));
            return new Metrics(count, rate, total, revenueCurrency, revenue, windowName);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compute metrics", e);
        }
    }

    /** Payments of a customer created since {@code since}, optionally only those with {@code status}. */
    public long countSince(long customerId, Instant since, String status) {
        String sql = "SELECT count(*) FROM payments WHERE customer_id = ? AND created_at >= ?"
                + (status == null ? "" : " AND status = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, customerId);
            ps.setTimestamp(2, Timestamp.from(since));
            if (status != null) {
                ps.setString(3, status);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count payments", e);
        }
    }

    private Optional<Payment> findOne(String sql, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(payment(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read payment", e);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static Payment payment(ResultSet rs) throws SQLException {
        long credits = rs.getLong(6);
        Long creditsOrNull = rs.wasNull() ? null : credits;
        long escrow = rs.getLong(12);
        Long escrowOrNull = rs.wasNull() ? null : escrow;
        return new Payment(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4), rs.getString(5).trim(),
                creditsOrNull, rs.getString(7), rs.getString(8), rs.getString(9), rs.getBigDecimal(10),
                rs.getString(11), escrowOrNull, rs.getTimestamp(13).toInstant(), rs.getTimestamp(14).toInstant(),
                rs.getLong(15));
    }

    private static Refund refund(ResultSet rs) throws SQLException {
        return new Refund(rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), rs.getTimestamp(8).toInstant(), rs.getString(9));
    }
}
