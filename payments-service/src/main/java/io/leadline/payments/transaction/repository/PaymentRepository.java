package io.leadline.payments.transaction.repository;

import io.leadline.payments.money.Money;
import io.leadline.shared.database.NativeSql;
import io.leadline.payments.persistence.QueryFilter;
import io.leadline.payments.transaction.Metrics;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentFilter;
import io.leadline.payments.transaction.Refund;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Payments and their refunds; every method runs on the session of the caller's reactive transaction.
 * Changes are single statements ({@code UPDATE … RETURNING}), made under the payment's row lock
 * ({@link #findById} with {@code lock}, {@link #lockByReference}) where they depend on what was read.
 */
@ApplicationScoped
public class PaymentRepository implements PanacheRepositoryBase<PaymentRow, Long> {

    private static final String COLUMNS = PaymentRow.COLUMNS;

    /** The columns {@link #readRefund} reads, in its order. */
    private static final String REFUND_COLUMNS = "id, payment_id, amount, source, reason, credits_clawed_back, "
            + "credits_shortfall, created_at, request_fingerprint";

    private static Refund readRefund(NativeSql.Row row) {
        return new Refund(row.longValue(), row.longValue(), row.decimal(), row.string(), row.string(),
                row.longValue(), row.longValue(), row.instant(), row.string());
    }

    public record Page(List<Payment> items, long total) {
    }

    /** A pending payment of {@code money}, stored in minor units and, for display, in major units. */
    public Uni<Payment> insert(String kind, long customerId, Money money, Long credits, String provider,
            String providerReference, Long escrowId) {
        return payment("INSERT INTO payments (kind, customer_id, amount, amount_minor, currency, credits, provider, "
                + "provider_reference, status, escrow_id) "
                + "VALUES (?, ?, ?, ?, ?, CAST(? AS bigint), ?, ?, 'pending', CAST(? AS bigint)) RETURNING " + COLUMNS,
                kind, customerId, money.major(), money.minor(), money.currency(), credits, provider, providerReference,
                escrowId).map(Optional::orElseThrow);
    }

    public Uni<Optional<Payment>> findById(long id, boolean lock) {
        return payment("SELECT " + COLUMNS + " FROM payments WHERE id = ?" + (lock ? " FOR UPDATE" : ""), id);
    }

    public Uni<Optional<Payment>> lockByReference(String provider, String reference) {
        return payment("SELECT " + COLUMNS + " FROM payments WHERE provider = ? AND provider_reference = ? FOR UPDATE",
                provider, reference);
    }

    public Uni<Payment> updateStatus(long id, String status, String failureReason) {
        return payment("UPDATE payments SET status = ?, failure_reason = ?, updated_at = now() WHERE id = ? RETURNING "
                + COLUMNS, status, failureReason, id).map(Optional::orElseThrow);
    }

    public Uni<Payment> addRefunded(long id, BigDecimal amount) {
        return payment("""
                UPDATE payments SET refunded_amount = refunded_amount + ?,
                    status = CASE WHEN refunded_amount + ? >= amount THEN 'refunded' ELSE status END,
                    updated_at = now()
                WHERE id = ? RETURNING\s""" + COLUMNS, amount, amount, id).map(Optional::orElseThrow);
    }

    /** Inserts a refund row; empty when one with this key exists already. */
    public Uni<Optional<Refund>> insertRefund(long paymentId, BigDecimal amount, String source, String reason,
            long clawedBack, long shortfall, String key, String fingerprint) {
        return refund("""
                INSERT INTO refunds (payment_id, amount, source, reason, credits_clawed_back, credits_shortfall,
                    idempotency_key, request_fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING\s""" + REFUND_COLUMNS, paymentId, amount, source, reason, clawedBack, shortfall, key,
                fingerprint);
    }

    /**
     * Holds the refund key until the transaction ends, so requests sharing a key run one after the
     * other, whichever payment they name: the later one then finds the earlier one's refund.
     */
    public Uni<Void> lockRefundKey(String key) {
        return NativeSql.lock("refund-key", key);
    }

    public Uni<Optional<Refund>> findRefundByKey(String key) {
        return refund("SELECT " + REFUND_COLUMNS + " FROM refunds WHERE idempotency_key = ?", key);
    }

    public Uni<Page> list(PaymentFilter filter, int page, int size) {
        QueryFilter where = new QueryFilter()
                .and("status = :status", "status", filter.status())
                .and("provider = :provider", "provider", filter.provider())
                .and("kind = :kind", "kind", filter.kind())
                .and("customerId = :customerId", "customerId", filter.customerId())
                .and("createdAt >= :from", "from", filter.from())
                .and("createdAt < :to", "to", filter.to());
        return count(where.query(), where.parameters()).flatMap(total -> find(where.query(),
                        Sort.descending("createdAt", "id"), where.parameters()).page(page, size).list()
                .map(rows -> new Page(rows.stream().map(PaymentRow::toPayment).toList(), total)));
    }

    /**
     * Metrics of the payments created within {@code window} (all of them when null). Revenue is kept
     * per currency: amounts in different currencies are never added up.
     */
    public Uni<Metrics> metrics(Duration window, String windowName, String revenueCurrency) {
        Instant since = window == null ? Instant.EPOCH : Instant.now().minus(window);
        return NativeSql.row(row -> new PaymentCounts(row.longValue(), row.longValue(), row.longValue()), """
                SELECT count(*),
                       count(*) FILTER (WHERE status IN ('succeeded', 'refunded')),
                       count(*) FILTER (WHERE status IN ('succeeded', 'refunded', 'failed'))
                FROM payments WHERE created_at >= ?""", since)
                .map(Optional::orElseThrow)
                .flatMap(counts -> NativeSql.rows(row -> Map.entry(row.string().trim(),
                                new BigDecimal(row.string()).setScale(2, RoundingMode.HALF_UP)), """
                        SELECT CAST(currency AS text), CAST(sum(amount - refunded_amount) AS text) FROM payments
                        WHERE created_at >= ? AND status IN ('succeeded', 'refunded')
                        GROUP BY currency""", since)
                        .map(rows -> {
                            Map<String, BigDecimal> revenue = new TreeMap<>();
                            rows.forEach(row -> revenue.put(row.getKey(), row.getValue()));
                            BigDecimal rate = counts.settled() == 0 ? BigDecimal.ZERO
                                    : BigDecimal.valueOf(counts.succeeded())
                                            .divide(BigDecimal.valueOf(counts.settled()), 4, RoundingMode.HALF_UP);
                            BigDecimal total = revenue.getOrDefault(revenueCurrency, BigDecimal.ZERO.setScale(2));
                            return new Metrics(counts.all(), rate, total, revenueCurrency, revenue, windowName);
                        }));
    }

    /** Payments in a metrics window: all of them, those that succeeded, and those that came to an end. */
    private record PaymentCounts(long all, long succeeded, long settled) {
    }

    /** Payments of a customer created since {@code since}, optionally only those with {@code status}. */
    public Uni<Long> countSince(long customerId, Instant since, String status) {
        Parameters parameters = Parameters.with("customerId", customerId).and("since", since);
        if (status == null) {
            return count("customerId = :customerId and createdAt >= :since", parameters);
        }
        return count("customerId = :customerId and createdAt >= :since and status = :status",
                parameters.and("status", status));
    }

    private Uni<Optional<Payment>> payment(String statement, Object... parameters) {
        return NativeSql.row(PaymentRow::read, statement, parameters);
    }

    private Uni<Optional<Refund>> refund(String statement, Object... parameters) {
        return NativeSql.row(PaymentRepository::readRefund, statement, parameters);
    }
}
