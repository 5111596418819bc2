package io.leadline.payments.fraud.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.fraud.FraudAlertRecord;
import io.leadline.payments.fraud.repository.FraudAlertRepository;
import io.leadline.shared.json.JsonCodec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The stored alerts, for the admin API. */
@ApplicationScoped
public class FraudAlerts {

    @Inject
    FraudAlertRepository alerts;

    public record AlertView(long id, String rule, String severity, String customerRef, String transactionId,
            String summary, JsonNode details, Instant windowStart, Instant createdAt) {
    }

    public Uni<List<AlertView>> list(String rule, Long customerId, int page, int size) {
        return Panache.withTransaction(() -> alerts.list(rule, customerId, page, size))
                .map(found -> found.stream().map(FraudAlerts::view).toList());
    }

    private static AlertView view(FraudAlertRecord a) {
        JsonNode details = JsonCodec.tree(a.details().getBytes(StandardCharsets.UTF_8));
        return new AlertView(a.id(), a.rule(), a.severity(), String.valueOf(a.customerId()),
                a.transactionId() == null ? null : String.valueOf(a.transactionId()),
                FraudAlertSummary.of(a.rule(), details), details, a.windowStart(), a.createdAt());
    }
}
