package io.leadline.shared.escrow;

import io.nats.client.Connection;
import io.leadline.shared.nats.KeyValueBuckets;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;


/**
 * The {@code escrow-parties} key-value bucket: payments-service puts each escrow's parties under its
 * id, and notify-service watches it to authorize {@code escrow.{id}} subscriptions and to address
 * escrow notifications. Only payments-service may write it; provisioning creates it.
 */
public final class EscrowPartiesBucket {

    public static final String NAME = "escrow-parties";

    private EscrowPartiesBucket() {
    }

    /** The value under an escrow's id: {@code {"buyer_id":"…","seller_id":"…"}}. */
    public record Parties(String buyerId, String sellerId) {

        public boolean includes(String userId) {
            return userId != null && (userId.equals(buyerId) || userId.equals(sellerId));
        }
    }

    /**
     * The bucket, for the services that read or write it (they never create it). Fails with an
     * {@link IllegalStateException} while it does not exist: opening reads the bucket's stream.
     */
    public static KeyValue open(Connection nats) {
        return KeyValueBuckets.open(nats, NAME);
    }

    /** The bucket's JetStream stream, named {@code KV_escrow-parties}. */
    public static String streamName() {
        return KeyValueBuckets.streamName(NAME);
    }

    /** Subjects of the bucket's keys: putting a key is publishing on one of them. */
    public static String keySubjects() {
        return KeyValueBuckets.keySubjects(NAME);
    }

    /** The configuration provisioning gives the bucket: one value per key, replicated as the stream is. */
    public static KeyValueConfiguration configuration(int replicas) {
        return KeyValueConfiguration.builder().name(NAME).storageType(StorageType.File).maxHistoryPerKey(1)
                .replicas(replicas).build();
    }
}
