package io.leadline.payments.escrow.service;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.repository.EscrowRepository;
import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Publishes each escrow's parties to the JetStream key-value bucket {@code escrow-parties}
 * (key = escrow id, value {@code {"buyer_id":"…","seller_id":"…"}}), so the gateway authorizes
 * {@code escrow.{id}} subscriptions without calling this service. The write follows the commit that
 * created the escrow; should it fail (NATS down), {@code parties_published_at} stays null and the
 * scheduled retry publishes it later. A put is idempotent, so publishing twice is harmless.
 */
@ApplicationScoped
public class EscrowPartiesPublisher {

    public static final String BUCKET = "escrow-parties";
    private static final Logger LOG = Logger.getLogger(EscrowPartiesPublisher.class);

    @Inject
    Connection nats;

    @Inject
    EscrowRepository escrows;

    private volatile KeyValue bucket;

    void start(@Observes StartupEvent ignored) {
        try {
            bucket();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warnf("bucket %s not ready yet, will retry: %s", BUCKET, e.getMessage());
        }
    }

    /** Puts the parties and records that they are out; false (and a later retry) when it failed. */
    public boolean publish(Escrow escrow) {
        try {
            bucket().put(String.valueOf(escrow.id()), JsonCodec.encode(Map.of(
                    "buyer_id", String.valueOf(escrow.buyerId()),
                    "seller_id", String.valueOf(escrow.sellerId()))));
            QuarkusTransaction.requiringNew().run(() -> escrows.markPublished(escrow.id()));
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warnf("parties of escrow %d not published yet, will retry: %s", escrow.id(), e.getMessage());
            return false;
        }
    }

    @Scheduled(every = "${leadline.payments.escrow.parties-retry-interval:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publishMissing() {
        List<Escrow> missing;
        try {
            missing = QuarkusTransaction.requiringNew().call(() -> escrows.unpublished(200));
        } catch (RuntimeException e) {
            LOG.debugf("cannot look for unpublished escrows (shutting down?): %s", e.getMessage());
            return;
        }
        for (Escrow escrow : missing) {
            if (!publish(escrow)) {
                return; // NATS is still away; the next round tries again
            }
        }
    }

    private KeyValue bucket() throws IOException, JetStreamApiException {
        KeyValue current = bucket;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (bucket == null) {
                KeyValueManagement management = nats.keyValueManagement();
                if (!management.getBucketNames().contains(BUCKET)) {
                    try {
                        management.create(KeyValueConfiguration.builder().name(BUCKET).maxHistoryPerKey(1)
                                .storageType(StorageType.File).build());
                    } catch (JetStreamApiException e) {
                        // created by the gateway in the meantime: use theirs
                        if (!management.getBucketNames().contains(BUCKET)) {
                            throw e;
                        }
                    }
                }
                bucket = nats.keyValue(BUCKET);
            }
            return bucket;
        }
    }
}
