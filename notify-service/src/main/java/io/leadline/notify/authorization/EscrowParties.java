package io.leadline.notify.authorization;

import io.leadline.notify.session.GatewayConfig;
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
 * An id the bucket does not know is remembered as unknown for a short while
 * ({@code leadline.gateway.unknown-escrow-ttl}), so subscribes to made-up ids are refused from memory
 * rather than each reading the bucket; the watch clears that memory the moment the escrow appears.
 */
@Startup
@Singleton
public class EscrowParties {

    private static final Logger LOG = Logger.getLogger(EscrowParties.class);

    private final Map<String, Parties> byEscrow = new ConcurrentHashMap<>();
    /** Escrow ids the bucket did not know, with the System.nanoTime() until which that answer stands. */
    private final Map<String, Long> unknownUntil = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private KeyValue bucket;

    @Inject
    Connection connection;

    @Inject
    NatsConfig natsConfig;

    /** Provisioned together with the bucket: waiting for it first keeps the start order. */
    @Inject
    ChannelStream stream;

    @Inject
    GatewayConfig config;

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
                return EscrowPartiesBucket.open(connection);
            } catch (IllegalStateException missing) {
                if (System.nanoTime() > deadline) {
                    throw missing;
                }
                LOG.infof("waiting for the %s bucket to be provisioned: %s", EscrowPartiesBucket.NAME,
                        missing.getMessage());
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
            if (entry != null && entry.getOperation() == KeyValueOperation.PUT) {
                apply(entry);
            } else {
                rememberUnknown(escrowId);
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

    /** Whether the bucket answered a moment ago that it does not know this escrow (no need to ask again yet). */
    public boolean recentlyUnknown(String escrowId) {
        Long until = unknownUntil.get(escrowId);
        if (until == null) {
            return false;
        }
        if (until - System.nanoTime() > 0) {
            return true;
        }
        unknownUntil.remove(escrowId, until);
        return false;
    }

    private void rememberUnknown(String escrowId) {
        long now = System.nanoTime();
        if (unknownUntil.size() >= config.unknownEscrowCacheSize()) {
            unknownUntil.values().removeIf(until -> until - now <= 0);
            if (unknownUntil.size() >= config.unknownEscrowCacheSize()) {
                return; // full of live entries: the inbound rate limit still bounds the lookups
            }
        }
        unknownUntil.put(escrowId, now + config.unknownEscrowTtl().toNanos());
        if (byEscrow.containsKey(escrowId)) {
            unknownUntil.remove(escrowId); // the watch brought it while the bucket was being read
        }
    }

    private void apply(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT) {
            byEscrow.remove(entry.getKey());
            return;
        }
        try {
            byEscrow.put(entry.getKey(), JsonCodec.decode(entry.getValue(), Parties.class));
            unknownUntil.remove(entry.getKey()); // a known escrow never stays refused from the negative cache
        } catch (RuntimeException e) {
            LOG.warnf("ignoring malformed escrow parties for %s", entry.getKey());
        }
    }
}
