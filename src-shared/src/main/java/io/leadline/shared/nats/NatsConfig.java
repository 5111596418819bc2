package io.leadline.shared.nats;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "leadline.nats")
public interface NatsConfig {

    /** Comma-separated server URLs ({@code tls://} for TLS). */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    @WithDefault("leadline")
    String connectionName();

    /** This service's NATS user (its name is also its inbox prefix and the owner token it publishes under). */
    Optional<String> username();

    /** The user's password; prefer {@link #passwordFile()}, which keeps it out of the environment. */
    Optional<String> password();

    /** A file holding the user's password (a mounted Secret, or the file `./leadline up` generates). */
    Optional<Path> passwordFile();

    /**
     * Prefix of this connection's reply subjects. Each service has its own, and may subscribe only
     * under it, so no one can read another's replies. Defaults to {@code _INBOX_} + the user name.
     */
    Optional<String> inboxPrefix();

    /** A PEM file of the CA that signed the server's certificate; when set, the connection uses TLS. */
    Optional<Path> tlsCaFile();

    /**
     * Connecting to a server; also how long a JetStream API call (stream and consumer management,
     * direct gets) waits for its answer, which a server recovering its store after a restart can take.
     */
    @WithDefault("5s")
    Duration connectTimeout();

    @WithDefault("500ms")
    Duration reconnectWait();

    /** Request-reply and publish acknowledgement time-out. */
    @WithDefault("5s")
    Duration requestTimeout();

    /**
     * Whether this service creates the stream and bucket itself. Only on a developer's own NATS
     * ({@code %dev}); everywhere else provisioning does it with the one identity allowed to.
     */
    @WithDefault("false")
    boolean provisionAtStart();

    /** How long a starting service waits for provisioning to have created the stream. */
    @WithDefault("60s")
    Duration provisioningWait();

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
