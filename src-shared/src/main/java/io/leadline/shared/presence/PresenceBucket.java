package io.leadline.shared.presence;

import io.nats.client.Connection;
import io.leadline.shared.nats.KeyValueBuckets;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;

import java.time.Duration;

/**
 * The {@code notify-presence} key-value bucket: every notify-service instance writes who is present on
 * which presence key through its connections, and a liveness key of its own, and watches the whole
 * bucket to know the members on every instance. Only notify-service reads and writes it; provisioning
 * creates it.
 * <p>
 * Keys: {@code m.{key}.{instance}.{user}} (a member present through at least one connection of that
 * instance; value {@code {"userId":"…","userInfoJson":"…"}}) and {@code i.{instance}} (the instance's
 * liveness, refreshed every few seconds). Presence keys and user ids are base64url without padding.
 */
public final class PresenceBucket {

    public static final String NAME = "notify-presence";

    /**
     * How long the bucket keeps a value that is not rewritten: a backstop for the entries of instances
     * nobody purged (the whole cluster stopped at once), and the time delete markers stay (an instance
     * that starts reads them all). Instances rewrite their live entries when half of it has passed.
     */
    public static final Duration MAX_AGE = Duration.ofMinutes(15);

    private PresenceBucket() {
    }

    /**
     * The bucket, for notify-service (it never creates it). Fails with an {@link IllegalStateException}
     * while it does not exist.
     */
    public static KeyValue open(Connection nats) {
        return KeyValueBuckets.open(nats, NAME);
    }

    /** The bucket's JetStream stream, named {@code KV_notify-presence}. */
    public static String streamName() {
        return KeyValueBuckets.streamName(NAME);
    }

    /** Subjects of the bucket's keys: putting or deleting a key is publishing on one of them. */
    public static String keySubjects() {
        return KeyValueBuckets.keySubjects(NAME);
    }

    /** One value per key, values older than {@link #MAX_AGE} dropped, replicated as the stream is. */
    public static KeyValueConfiguration configuration(int replicas) {
        return KeyValueConfiguration.builder().name(NAME).storageType(StorageType.File).maxHistoryPerKey(1)
                .ttl(MAX_AGE).replicas(replicas).build();
    }
}
