package io.leadline.notify.routing;

import io.leadline.notify.gateway.GatewayConfig;
import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
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
 * key-value bucket that payments-service writes (key: escrow id, value: {@code {"buyer_id","seller_id"}}),
 * kept current by a watch. An id the bucket does not know is remembered as unknown for a short while
 * ({@code leadline.gateway.unknown-escrow-ttl}), so subscribes to made-up ids are refused from memory
 * rather than each reading the bucket; the watch clears that memory the moment the escrow appears.
 */
@Startup
@Singleton
public class EscrowParties {

    public static final String BUCKET = "escrow-parties";
    private static final Logger LOG = Logger.getLogger(EscrowParties.class);
    private static final int BUCKET_NOT_FOUND = 10059;

    public record Parties(String buyerId, String sellerId) {
    }

    private final Map<String, Parties> byEscrow = new ConcurrentHashMap<>();
    /** Escrow ids the bucket did not know, with the System.nanoTime() until which that answer stands. */
    private final Map<String, Long> unknownUntil = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private KeyValue bucket;

    @Inject
    Connection connection;

    @Inject
    GatewayConfig config;

    @PostConstruct
    void watch() {
        try {
            ensureBucket(connection.keyValueManagement());
            bucket = connection.keyValue(BUCKET);
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
            throw new IllegalStateException("cannot watch the " + BUCKET + " bucket", e);
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
            LOG.debugf("cannot read escrow %s from %s: %s", escrowId, BUCKET, e.getMessage());
        }
    }

    public boolean isParty(String escrowId, String userId) {
        Parties parties = byEscrow.get(escrowId);
        return parties != null && (userId.equals(parties.buyerId()) || userId.equals(parties.sellerId()));
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

    static void ensureBucket(KeyValueManagement management) throws IOException, JetStreamApiException {
        try {
            management.getStatus(BUCKET);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != BUCKET_NOT_FOUND) {
                throw e;
            }
            try {
                management.create(KeyValueConfiguration.builder().name(BUCKET).storageType(StorageType.File)
                        .maxHistoryPerKey(1).build());
            } catch (JetStreamApiException raced) {
                management.getStatus(BUCKET); // created meanwhile by payments-service: fine if it exists now
            }
        }
    }
}
