package io.leadline.shared.nats;

import io.leadline.shared.event.Channels;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.time.Duration;

/** The {@code CHANNELS} stream's name and limits, as configured ({@link NatsConfig.Stream}) or as defaulted. */
public record StreamLimits(String name, Duration maxAge, long maxMsgsPerSubject, long maxBytes,
        Duration duplicateWindow, int replicas) {

    /** The defaults of {@link NatsConfig.Stream}. */
    public static final StreamLimits DEFAULTS = new StreamLimits("CHANNELS", Duration.ofHours(24), 100_000, -1,
            Duration.ofMinutes(2), 1);

    public static StreamLimits of(NatsConfig.Stream stream) {
        return new StreamLimits(stream.name(), stream.maxAge(), stream.maxMsgsPerSubject(), stream.maxBytes(),
                stream.duplicateWindow(), stream.replicas());
    }

    /** The same limits kept on {@code count} servers (a JetStream cluster: 3 survives the loss of one). */
    public StreamLimits withReplicas(int count) {
        return new StreamLimits(name, maxAge, maxMsgsPerSubject, maxBytes, duplicateWindow, count);
    }

    public StreamConfiguration configuration() {
        return StreamConfiguration.builder()
                .name(name)
                .subjects(Channels.ALL_SUBJECTS)
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxAge(maxAge)
                .maxMessagesPerSubject(maxMsgsPerSubject)
                .maxBytes(maxBytes)
                .duplicateWindow(duplicateWindow)
                .replicas(replicas)
                .build();
    }
}
