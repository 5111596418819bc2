package io.leadline.shared.outbox;

import io.leadline.shared.nats.NatsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the relay does once it has read a batch: publish it to JetStream in {@code seq} order, with
 * {@code Nats-Msg-Id} set to the event id so that a publish repeated after a crash is dropped by the
 * stream's duplicate window, and count it in the relay's metrics. Nothing here waits: the answer is a
 * future of the acknowledged prefix, which the relay chains. Created at start, so that the relay's metrics are there before its first publish.
 */
@Startup
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    /** An unpublished outbox row, as both relays read it. */
    record Unpublished(long seq, String eventId, String subject, String payload, long createdAtMillis) {
    }

    @Inject
    Connection nats;

    @Inject
    NatsConfig natsConfig;

    @Inject
    MeterRegistry registry;

    private JetStream jetStream;
    private Counter published;
    private Counter failures;
    private Counter lockBusy;
    private Timer commitToAck;

    @PostConstruct
    void init() {
        try {
            jetStream = nats.jetStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        published = registry.counter("leadline.outbox.published");
        failures = registry.counter("leadline.outbox.publish.failures");
        lockBusy = registry.counter("leadline.outbox.lock.busy");
        commitToAck = Timer.builder("leadline.outbox.lag")
                .description("time from writing an event to its acknowledgement by the stream")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /**
     * Sends the rows in order on one connection and completes with the seqs the stream acknowledged
     * within the request timeout, in order, stopping at the first that was not: nothing after it counts
     * as published. A row that cannot even be sent ends the sending, so nothing after it overtakes it.
     */
    CompletableFuture<List<Long>> publish(List<Unpublished> rows) {
        String stream = natsConfig.stream().name();
        long timeoutNanos = natsConfig.requestTimeout().toNanos();
        List<CompletableFuture<Boolean>> acknowledged = new ArrayList<>(rows.size());
        for (Unpublished row : rows) {
            PublishOptions options = PublishOptions.builder().messageId(row.eventId()).expectedStream(stream).build();
            CompletableFuture<PublishAck> ack;
            try {
                ack = jetStream.publishAsync(row.subject(), row.payload().getBytes(StandardCharsets.UTF_8), options);
            } catch (RuntimeException e) {
                LOG.warnf("cannot publish outbox row %d (event %s, %s): %s; later rows wait for it", row.seq(),
                        row.eventId(), row.subject(), rootMessage(e));
                break;
            }
            acknowledged.add(ack.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((done, failure) -> {
                if (failure != null) {
                    LOG.debugf("publish of %s not acknowledged: %s", row.eventId(), rootMessage(failure));
                }
                return failure == null;
            }));
        }
        return CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<Long> seqs = new ArrayList<>(acknowledged.size());
            for (int i = 0; i < acknowledged.size() && acknowledged.get(i).join(); i++) {
                Unpublished row = rows.get(i);
                seqs.add(row.seq());
                commitToAck.record(Math.max(0, System.currentTimeMillis() - row.createdAtMillis()),
                        TimeUnit.MILLISECONDS);
            }
            published.increment(seqs.size());
            return seqs;
        });
    }

    void countFailure() {
        failures.increment();
    }

    void countLockBusy() {
        lockBusy.increment();
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
