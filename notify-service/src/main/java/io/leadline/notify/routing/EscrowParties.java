package io.leadline.notify.routing;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.escrow.EscrowPartiesBucket.Parties;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.ChannelStream;
import io.leadline.shared.nats.NatsConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may watch an escrow, without asking payments-service: a local copy of the {@code escrow-parties}
 * key-value bucket ({@link EscrowPartiesBucket}) that payments-service writes, kept current by a watch.
 */
@Startup
@Singleton
public class EscrowParties {

    private static final Logger LOG = Logger.getLogger(EscrowParties.class);

    private final Map<String, Parties> byEscrow = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private KeyValue bucket;

    @Inject
    Connection connection;

    @Inject
    NatsConfig natsConfig;

    /** Provisioned together with the bucket: waiting for it first keeps the start order. */
    @Inject
    ChannelStream stream;

    @PostConstruct
    void watch() {
        bucket = awaitBucket();
        try {
            bucket.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    apply(entry);
                }

                @Override
                public void endOfData() {
                    loaded = true;
                    LOG.debugf("escrow parties loaded: %d escrows", byEscrow.size());
                }
            }, KeyValueWatchOption.IGNORE_DELETE);
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot watch the " + EscrowPartiesBucket.NAME + " bucket", e);
        }
    }

    /** The bucket, once provisioning has created it (this service may read it, never create it). */
    private KeyValue awaitBucket() {
        long deadline = System.nanoTime() + natsConfig.provisioningWait().toNanos();
        while (true) {
            try {
                return connection.keyValue(EscrowPartiesBucket.NAME); // reads the bucket's stream: fails when missing
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the " + EscrowPartiesBucket.NAME + " bucket is not available "
                            + "(provisioning creates it): " + e.getMessage(), e);
                }
                LOG.infof("waiting for the %s bucket to be provisioned: %s", EscrowPartiesBucket.NAME, e.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    /** The buyer and seller of an escrow, when this instance has seen them. */
    public Optional<Parties> parties(String escrowId) {
        return Optional.ofNullable(byEscrow.get(escrowId));
    }

    /** Whether the initial copy of the bucket is complete (readiness waits for it). */
    public boolean isLoaded() {
        return loaded;
    }

    /**
     * Reads one escrow's parties from the bucket itself, for an escrow the watch has not brought yet
     * (created a moment ago). Blocking: call it off the event loop.
     */
    public void refresh(String escrowId) {
        try {
            KeyValueEntry entry = bucket.get(escrowId);
            if (entry != null) {
                apply(entry);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debugf("cannot read escrow %s from %s: %s", escrowId, EscrowPartiesBucket.NAME, e.getMessage());
        }
    }

    public boolean isParty(String escrowId, String userId) {
        Parties parties = byEscrow.get(escrowId);
        return parties != null && parties.includes(userId);
    }

    public boolean exists(String escrowId) {
        return byEscrow.containsKey(escrowId);
    }

    private void apply(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT) {
            byEscrow.remove(entry.getKey());
            return;
        }
        try {
            byEscrow.put(entry.getKey(), JsonCodec.decode(entry.getValue(), Parties.class));
        } catch (RuntimeException e) {
            LOG.warnf("ignoring malformed escrow parties for %s", entry.getKey());
        }
    }
}
