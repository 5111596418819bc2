package io.leadline.payments.fraud.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.fraud.repository.FraudAlertRepository;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentObserver;
import io.leadline.payments.transaction.PaymentStatusChanged;
import io.leadline.payments.transaction.repository.PaymentRepository;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.monitor.FraudAlert;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configurable fraud rules, evaluated in the transaction that created or failed a payment:
 * {@code velocity} (too many payments by a customer within a window), {@code amount_threshold}
 * (a payment at or above an amount) and {@code repeated_failures} (too many failed payments within a
 * window). An alert is stored and announced ({@code fraud_alert}) at most once per rule and customer
 * within the rule's window (the first alert opens the window); it flags, it never blocks a payment.
 */
@ApplicationScoped
public class FraudRules implements PaymentObserver {

    public static final String VELOCITY = "velocity";
    public static final String AMOUNT_THRESHOLD = "amount_threshold";
    public static final String REPEATED_FAILURES = "repeated_failures";

    @Inject
    PaymentsConfig config;

    @Inject
    PaymentRepository payments;

    @Inject
    FraudAlertRepository alerts;

    @Inject
    Outbox outbox;

    @Override
    public Uni<Void> paymentChanged(PaymentStatusChanged change) {
        PaymentsConfig.Fraud fraud = config.fraud();
        if (!fraud.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Payment payment = change.after();
        Instant now = Instant.now();
        if (change.before() == null) {
            PaymentsConfig.Fraud.Velocity velocity = fraud.velocity();
            PaymentsConfig.Fraud.AmountThreshold threshold = fraud.amountThreshold();
            return payments.countSince(payment.customerId(), now.minus(velocity.window()), null)
                    .flatMap(recent -> recent > velocity.maxPayments()
                            ? alert(VELOCITY, velocity.severity(), payment, velocity.window(), details("payments",
                                    recent, "max_payments", velocity.maxPayments(), "window", velocity.window()))
                            : Uni.createFrom().voidItem())
                    .chain(() -> payment.amount().compareTo(threshold.amount()) >= 0
                            ? alert(AMOUNT_THRESHOLD, threshold.severity(), payment, threshold.window(), details(
                                    "amount", payment.amount(), "currency", payment.currency(), "threshold",
                                    threshold.amount()))
                            : Uni.createFrom().voidItem());
        } else if (Payment.FAILED.equals(payment.status()) && !Payment.FAILED.equals(change.before().status())) {
            PaymentsConfig.Fraud.RepeatedFailures failures = fraud.repeatedFailures();
            return payments.countSince(payment.customerId(), now.minus(failures.window()), Payment.FAILED)
                    .flatMap(failed -> failed >= failures.maxFailures()
                            ? alert(REPEATED_FAILURES, failures.severity(), payment, failures.window(), details(
                                    "failures", failed, "max_failures", failures.maxFailures(), "window",
                                    failures.window()))
                            : Uni.createFrom().voidItem());
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> alert(String rule, String severity, Payment payment, Duration window,
            Map<String, Object> details) {
        details.put("provider", payment.provider());
        String encoded = JsonCodec.encodeToString(details);
        // from the encoded details, as the REST list reads them back: the two say the same
        String summary = FraudAlertSummary.of(rule, JsonCodec.tree(encoded.getBytes(StandardCharsets.UTF_8)));
        return alerts.insertOnce(rule, severity, payment.customerId(), payment.id(), encoded,
                window).flatMap(stored -> stored.isEmpty() ? Uni.createFrom().voidItem()
                        : outbox.append(Channels.PAYMENTS_MONITOR, new FraudAlert(rule, severity,
                                String.valueOf(payment.id()), String.valueOf(payment.customerId()), summary, details))
                                .replaceWithVoid());
    }

    private static Map<String, Object> details(Object... pairs) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            details.put((String) pairs[i], value instanceof Duration d ? d.toString() : value);
        }
        return details;
    }
}
