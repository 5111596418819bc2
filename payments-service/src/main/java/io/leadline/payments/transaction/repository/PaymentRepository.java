package io.leadline.payments.transaction.repository;

import io.leadline.payments.money.Money;
import io.leadline.shared.database.NativeSql;
import io.leadline.payments.persistence.QueryFilter;
import io.leadline.payments.transaction.Metrics;
import io.leadline.payments.transaction.MetricsSeries;
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
     * Raises the metrics version and holds its row until the transaction ends, so that transactions
     * announcing metrics run from here to their commit one after the other (V8__payment_metrics_version.sql).
     * Call it after the payment change and before {@link #metrics}: under READ COMMITTED the next
     * statement sees every transaction that held the row before. No transaction waits for it while holding
     * what its holder waits for: each takes it after locking the payment it changes and after booking the
     * wallet, and what it locks afterwards (the payment's escrow, the fraud rules' keys) others lock only
     * under that payment's lock or after this row.
     */
    public Uni<Long> raiseMetricsVersion() {
        return NativeSql.<Long>scalar("UPDATE payment_metrics_version SET version = version + 1 RETURNING version")
                .map(Optional::orElseThrow);
    }

    /**
     * Metrics of the payments created within {@code window} (all of them when null), with the metrics
     * version they belong to, read in one statement so both come from one snapshot. Revenue is kept per
     * currency: amounts in different currencies are never added up.
     */
    public Uni<Metrics> metrics(Duration window, String windowName, String revenueCurrency) {
        Instant since = window == null ? Instant.EPOCH : Instant.now().minus(window);
        return NativeSql.row(row -> {
            long version = row.longValue();
            long all = row.longValue();
            long succeeded = row.longValue();
            long settled = row.longValue();
            Map<String, BigDecimal> revenue = revenueByCurrency(row.string());
            BigDecimal rate = settled == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf(succeeded).divide(BigDecimal.valueOf(settled), 4, RoundingMode.HALF_UP);
            BigDecimal total = revenue.getOrDefault(revenueCurrency, BigDecimal.ZERO.setScale(2));
            return new Metrics(all, rate, total, revenueCurrency, revenue, windowName, version);
        }, """
                WITH windowed AS (
                    SELECT status, currency, amount - refunded_amount AS kept FROM payments WHERE created_at >= ?)
                SELECT (SELECT version FROM payment_metrics_version),
                       (SELECT count(*) FROM windowed),
                       (SELECT count(*) FROM windowed WHERE status IN ('succeeded', 'refunded')),
                       (SELECT count(*) FROM windowed WHERE status IN ('succeeded', 'refunded', 'failed')),
                       (SELECT string_agg(currency || '=' || revenue, ' ' ORDER BY currency) FROM (
                            SELECT CAST(currency AS text) AS currency, CAST(sum(kept) AS text) AS revenue
                            FROM windowed WHERE status IN ('succeeded', 'refunded') GROUP BY currency) AS kept)""",
                since).map(Optional::orElseThrow);
    }

    /** {@code USD=12.50 INR=800.00} as the metrics statement aggregates it; null when nothing was captured. */
    private static Map<String, BigDecimal> revenueByCurrency(String aggregated) {
        Map<String, BigDecimal> revenue = new TreeMap<>();
        if (aggregated != null) {
            for (String entry : aggregated.split(" ")) {
                int equals = entry.indexOf('=');
                revenue.put(entry.substring(0, equals).trim(),
                        new BigDecimal(entry.substring(equals + 1)).setScale(2, RoundingMode.HALF_UP));
            }
        }
        return revenue;
    }

    /**
     * Payments created from {@code since} in buckets of {@code step}, oldest first, every bucket present
     * (empty ones with zeros): how many were created, succeeded and came to an end, and the revenue in
     * {@code revenueCurrency} of those that succeeded. With the metrics version, in one statement.
     */
    public Uni<MetricsSeries> series(Instant since, Instant until, Duration step, String windowName, String stepName,
            String revenueCurrency) {
        return NativeSql.rows(row -> new MetricsSeries.Row(row.longValue(), row.instant(), row.longValue(),
                        row.longValue(), row.longValue(), row.decimal()), """
                WITH step AS (SELECT make_interval(secs => CAST(? AS float8)) AS length),
                buckets AS (
                    SELECT generate_series(date_bin(step.length, CAST(? AS timestamptz), TIMESTAMPTZ 'epoch'),
                                           CAST(? AS timestamptz), step.length) AS starts_at
                    FROM step),
                counted AS (
                    SELECT date_bin(step.length, created_at, TIMESTAMPTZ 'epoch') AS starts_at,
                           count(*) AS created,
                           count(*) FILTER (WHERE status IN ('succeeded', 'refunded')) AS succeeded,
                           count(*) FILTER (WHERE status IN ('succeeded', 'refunded', 'failed')) AS settled,
                           sum(amount - refunded_amount) FILTER (WHERE status IN ('succeeded', 'refunded')
                               AND CAST(currency AS text) = CAST(? AS text)) AS revenue
                    FROM payments, step
                    WHERE created_at >= (SELECT min(starts_at) FROM buckets)
                    GROUP BY 1)
                SELECT (SELECT version FROM payment_metrics_version), buckets.starts_at,
                       coalesce(counted.created, 0), coalesce(counted.succeeded, 0), coalesce(counted.settled, 0),
                       coalesce(counted.revenue, 0)
                FROM buckets LEFT JOIN counted USING (starts_at)
                ORDER BY buckets.starts_at""", (double) step.toSeconds(), since, until, revenueCurrency)
                .map(rows -> MetricsSeries.of(rows, windowName, stepName, revenueCurrency));
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
