package io.leadline.shared.nats;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "leadline.nats")
public interface NatsConfig {

    /** Comma-separated server URLs. */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    @WithDefault("leadline")
    String connectionName();

    @WithDefault("2s")
    Duration connectTimeout();

    @WithDefault("500ms")
    Duration reconnectWait();

    /** Request-reply and publish acknowledgement time-out. */
    @WithDefault("5s")
    Duration requestTimeout();

    Stream stream();

    interface Stream {

        @WithDefault("CHANNELS")
        String name();

        /** How long events stay replayable for clients that reconnect with {@code since}. */
        @WithDefault("24h")
        Duration maxAge();

        @WithDefault("100000")
        long maxMsgsPerSubject();

        @WithDefault("-1")
        long maxBytes();

        @WithDefault("2m")
        Duration duplicateWindow();

        @WithDefault("1")
        int replicas();
    }
}
