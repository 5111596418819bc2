package io.leadline.payments.fraud.repository;

import io.leadline.payments.fraud.FraudAlertRecord;
import io.leadline.shared.database.NativeSql;
import io.leadline.payments.persistence.QueryFilter;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stored fraud alerts; every method runs on the session of the caller's reactive transaction. */
@ApplicationScoped
public class FraudAlertRepository implements PanacheRepositoryBase<FraudAlertRow, Long> {


    /**
     * Stores the alert unless this rule already alerted for the customer within its window. The check runs
     * under a transaction-scoped advisory lock per rule and customer, so concurrent payments cannot both alert.
     */
    public Uni<Optional<FraudAlertRecord>> insertOnce(String rule, String severity, long customerId,
            Long transactionId, String details, Duration window) {
        return NativeSql.lock("fraud:" + rule, String.valueOf(customerId))
                .chain(() -> NativeSql.row(FraudAlertRow::read, """
                        INSERT INTO fraud_alerts (rule, severity, customer_id, transaction_id, details, window_start,
                                                  window_end)
                        SELECT CAST(? AS text), CAST(? AS text), CAST(? AS bigint), CAST(? AS bigint), CAST(? AS text),
                               clock_timestamp(), clock_timestamp() + make_interval(secs => CAST(? AS float8))
                        WHERE NOT EXISTS (SELECT 1 FROM fraud_alerts
                                          WHERE rule = ? AND customer_id = ? AND window_end > clock_timestamp())
                        RETURNING\s""" + FraudAlertRow.COLUMNS, rule, severity, customerId, transactionId, details,
                        window.toMillis() / 1000.0, rule, customerId));
    }

    public Uni<List<FraudAlertRecord>> list(String rule, Long customerId, int page, int size) {
        QueryFilter where = new QueryFilter()
                .and("rule = :rule", "rule", rule)
                .and("customerId = :customerId", "customerId", customerId);
        return find(where.query(), Sort.descending("id"), where.parameters()).page(page, size).list()
                .map(rows -> rows.stream().map(FraudAlertRow::toRecord).toList());
    }
}
