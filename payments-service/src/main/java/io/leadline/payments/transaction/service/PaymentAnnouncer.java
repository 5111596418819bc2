package io.leadline.payments.transaction.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.transaction.Metrics;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.Refund;
import io.leadline.payments.transaction.repository.PaymentRepository;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.monitor.RefundProcessed;
import io.leadline.shared.event.monitor.TransactionEvent;
import io.leadline.shared.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Tells {@code payments.monitor} about every payment change, with fresh metrics, in the changing transaction. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class PaymentAnnouncer {

    public static final String LIVE_WINDOW = "24h";
    public static final Duration LIVE_WINDOW_DURATION = Duration.ofHours(24);

    @Inject
    Outbox outbox;

    @Inject
    PaymentRepository payments;

    @Inject
    PaymentsConfig config;

    public void created(Payment payment) {
        announce(payment, true, null);
    }

    public void updated(Payment payment) {
        announce(payment, false, null);
    }

    public void refunded(Payment payment, Refund refund) {
        announce(payment, false, refund);
    }

    private void announce(Payment payment, boolean created, Refund refund) {
        List<Outbox.Pending> events = new ArrayList<>(3);
        events.add(new Outbox.Pending(Channels.PAYMENTS_MONITOR, transaction(payment, created)));
        if (refund != null) {
            events.add(new Outbox.Pending(Channels.PAYMENTS_MONITOR, new RefundProcessed(String.valueOf(payment.id()),
                    String.valueOf(refund.id()), refund.amount(), payment.currency(),
                    String.valueOf(payment.customerId()))));
        }
        Metrics metrics = payments.metrics(LIVE_WINDOW_DURATION, LIVE_WINDOW, config.revenueCurrency());
        events.add(new Outbox.Pending(Channels.PAYMENTS_MONITOR, new MetricsUpdated(metrics.transactionCount(),
                metrics.successRate(), metrics.revenueTotal(), metrics.window(), metrics.revenueCurrency(),
                metrics.revenueByCurrency())));
        outbox.appendAll(events);
    }

    public static TransactionEvent transaction(Payment payment, boolean created) {
        return new TransactionEvent(created, String.valueOf(payment.id()), payment.amount(), payment.currency(),
                payment.status(), payment.provider(), String.valueOf(payment.customerId()), payment.createdAt());
    }
}
