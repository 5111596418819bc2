package io.leadline.payments.webhook.service;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.monitor.WebhookEvent;
import io.leadline.shared.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Webhook requests refused before their signature verified (missing or bad signature, stale
 * timestamp, body too large). Anyone can send them, so none is stored and none is announced on its
 * own: each is counted ({@code leadline.webhooks.rejected}, tagged provider and reason) and at most
 * one {@code webhook_failed} per {@code leadline.payments.webhook.rejection-report-interval} sums
 * up those of the interval (status {@code rejected}, no event id, {@code count}). A flood costs
 * memory for a counter, not a row or a broadcast per request. Counts are per instance.
 */
@ApplicationScoped
public class RefusedWebhooks {

    public static final String METER = "leadline.webhooks.rejected";
    public static final String SUMMARY_TYPE = "signature_rejected";
    private static final Logger LOG = Logger.getLogger(RefusedWebhooks.class);

    @Inject
    MeterRegistry registry;

    @Inject
    Outbox outbox;

    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();

    /** Counts one refused request; {@code reason} is a short tag (missing, malformed, stale, mismatch, too_large). */
    public void refused(String provider, String reason) {
        registry.counter(METER, "provider", provider, "reason", reason).increment();
        pending.computeIfAbsent(provider, p -> new AtomicLong()).incrementAndGet();
    }

    @Scheduled(every = "${leadline.payments.webhook.rejection-report-interval:60s}",
            delayed = "${leadline.payments.webhook.rejection-report-interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> report() {
        Map<String, Long> counts = new TreeMap<>();
        pending.forEach((provider, count) -> {
            long taken = count.getAndSet(0);
            if (taken > 0) {
                counts.put(provider, taken);
            }
        });
        if (counts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        String providers = String.join(",", counts.keySet());
        String detail = total + " webhook request(s) refused before verification (missing or bad signature, stale "
                + "timestamp or body too large): " + counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return outbox.inTransaction(() -> outbox.append(Channels.PAYMENTS_MONITOR,
                        new WebhookEvent(EventType.WEBHOOK_FAILED, providers, null, SUMMARY_TYPE, "rejected", detail,
                                total)))
                .invoke(() -> LOG.infof("%s", detail))
                .onFailure().invoke(e -> {
                    // keep them for the next summary rather than lose the count
                    counts.forEach((provider, count) -> pending.computeIfAbsent(provider, p -> new AtomicLong())
                            .addAndGet(count));
                    LOG.warnf("cannot announce refused webhooks yet: %s", e.getMessage());
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
