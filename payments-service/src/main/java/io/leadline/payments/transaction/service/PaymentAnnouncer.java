package io.leadline.payments.transaction.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.Refund;
import io.leadline.payments.transaction.repository.PaymentRepository;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.monitor.RefundProcessed;
import io.leadline.shared.event.monitor.TransactionEvent;
import io.leadline.shared.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells {@code payments.monitor} about every payment change, with fresh metrics, in the changing transaction.
 * The metrics version is raised first: its row lock makes announcing transactions take their metrics and
 * write their outbox rows one after the other until they commit, so every snapshot includes the ones
 * before it and the outbox publishes them in version order (docs/architecture.md, Payment metrics).
 */
@ApplicationScoped
public class PaymentAnnouncer {

    public static final String LIVE_WINDOW = "24h";
    public static final Duration LIVE_WINDOW_DURATION = Duration.ofHours(24);

    @Inject
    Outbox outbox;

    @Inject
    PaymentRepository payments;

    @Inject
    PaymentsConfig config;

    public Uni<Void> created(Payment payment) {
        return announce(payment, true, null);
    }

    public Uni<Void> updated(Payment payment) {
        return announce(payment, false, null);
    }

    public Uni<Void> refunded(Payment payment, Refund refund) {
        return announce(payment, false, refund);
    }

    private Uni<Void> announce(Payment payment, boolean created, Refund refund) {
        List<Outbox.Pending> events = new ArrayList<>(3);
        events.add(new Outbox.Pending(Channels.PAYMENTS_MONITOR, transaction(payment, created)));
        if (refund != null) {
            events.add(new Outbox.Pending(Channels.PAYMENTS_MONITOR, new RefundProcessed(String.valueOf(payment.id()),
                    String.valueOf(refund.id()), refund.amount(), payment.currency(),
                    String.valueOf(payment.customerId()))));
        }
        return payments.raiseMetricsVersion()
                .chain(() -> payments.metrics(LIVE_WINDOW_DURATION, LIVE_WINDOW, config.revenueCurrency()))
                .flatMap(metrics -> {
                    events.add(new Outbox.Pending(Channels.PAYMENTS_MONITOR, new MetricsUpdated(
                            metrics.transactionCount(), metrics.successRate(), metrics.revenueTotal(), metrics.window(),
                            metrics.revenueCurrency(), metrics.revenueByCurrency(), metrics.version())));
                    return outbox.appendAll(events);
                }).replaceWithVoid();
    }

    public static TransactionEvent transaction(Payment payment, boolean created) {
        return new TransactionEvent(created, String.valueOf(payment.id()), payment.amount(), payment.currency(),
                payment.status(), payment.provider(), String.valueOf(payment.customerId()), payment.createdAt());
    }
}
