package io.leadline.shared.nats;

import io.nats.client.Connection;
import io.nats.client.KeyValue;

import java.io.IOException;

/** What every key-value bucket of the platform has alike: how it is opened, its stream and its subjects. */
public final class KeyValueBuckets {

    private KeyValueBuckets() {
    }

    /**
     * The bucket, for the services that read or write it (they never create it). Fails with an
     * {@link IllegalStateException} while it does not exist: opening reads the bucket's stream.
     */
    public static KeyValue open(Connection nats, String bucket) {
        try {
            return nats.keyValue(bucket);
        } catch (IOException e) {
            throw new IllegalStateException("bucket " + bucket + " is not available (provisioning creates it: "
                    + "./leadline up, the nats-provisioning job, or NatsSetup provision): " + e.getMessage(), e);
        }
    }

    /** The bucket's JetStream stream, {@code KV_<bucket>}. */
    public static String streamName(String bucket) {
        return "KV_" + bucket;
    }

    /** Subjects of the bucket's keys: putting or deleting a key is publishing on one of them. */
    public static String keySubjects(String bucket) {
        return "$KV." + bucket + ".>";
    }
}
