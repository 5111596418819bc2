package io.leadline.payments.escrow.service;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.repository.EscrowRepository;
import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;

/**
 * Publishes each escrow's parties to the JetStream key-value bucket {@code escrow-parties}
 * ({@link EscrowPartiesBucket}: key = escrow id, value {@code {"buyer_id":"…","seller_id":"…"}}), so the
 * gateway authorizes {@code escrow.{id}} subscriptions without calling this service. This service is
 * the only one allowed to write the bucket; provisioning creates it. The write follows the commit that
 * created the escrow; should it fail (NATS down), {@code parties_published_at} stays null and the
 * scheduled retry publishes it later. A put is idempotent, so publishing twice is harmless.
 */
@ApplicationScoped
public class EscrowPartiesPublisher {

    private static final Logger LOG = Logger.getLogger(EscrowPartiesPublisher.class);

    @Inject
    Connection nats;

    @Inject
    EscrowRepository escrows;

    private volatile KeyValue bucket;

    void start(@Observes StartupEvent ignored) {
        try {
            bucket();
        } catch (RuntimeException e) {
            LOG.warnf("bucket %s not ready yet, will retry: %s", EscrowPartiesBucket.NAME, e.getMessage());
        }
    }

    /** Puts the parties and records that they are out; false (and a later retry) when it failed. */
    public boolean publish(Escrow escrow) {
        try {
            bucket().put(String.valueOf(escrow.id()), JsonCodec.encode(new EscrowPartiesBucket.Parties(
                    String.valueOf(escrow.buyerId()), String.valueOf(escrow.sellerId()))));
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

    private KeyValue bucket() {
        KeyValue current = bucket;
        if (current == null) {
            current = EscrowPartiesBucket.open(nats);
            bucket = current;
        }
        return current;
    }
}
