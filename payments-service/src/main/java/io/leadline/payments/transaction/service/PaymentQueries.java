package io.leadline.payments.transaction.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.transaction.Metrics;
import io.leadline.payments.transaction.MetricsSeries;
import io.leadline.payments.transaction.PaymentFilter;
import io.leadline.payments.transaction.repository.PaymentRepository;
import io.leadline.shared.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/** The admin views of payments, and the admin refund as its own transaction. */
@ApplicationScoped
public class PaymentQueries {

    @Inject
    PaymentRepository payments;

    @Inject
    PaymentService service;

    @Inject
    PaymentsConfig config;

    @Inject
    Outbox outbox;

    public Uni<PaymentRepository.Page> list(PaymentFilter filter, int page, int size) {
        return Panache.withTransaction(() -> payments.list(filter, page, size));
    }

    public Uni<Metrics> metrics(String window) {
        Duration duration = switch (window) {
            case "1h" -> Duration.ofHours(1);
            case "24h" -> Duration.ofHours(24);
            case "7d" -> Duration.ofDays(7);
            case "30d" -> Duration.ofDays(30);
            default -> null;
        };
        return Panache.withTransaction(() -> payments.metrics(duration, window, config.revenueCurrency()));
    }

    /** Payments of the last {@code window} in buckets of {@code step}; both already validated. */
    public Uni<MetricsSeries> series(String window, String step) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> payments.series(now.minus(duration(window)), now, duration(step), window,
                step, config.revenueCurrency()));
    }

    /** {@code 1m}, {@code 6h}, {@code 7d}: a number and a unit of minutes, hours or days. */
    static Duration duration(String text) {
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not a duration: " + text);
        };
    }

    public Uni<PaymentService.RefundResult> refund(long paymentId, BigDecimal amount, String reason, String key) {
        return outbox.inTransaction(() -> service.refund(paymentId, amount, "admin", reason, key));
    }
}
