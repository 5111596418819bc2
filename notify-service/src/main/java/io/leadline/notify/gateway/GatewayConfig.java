package io.leadline.notify.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Limits and timing of the WebSocket gateway; each is documented in docs/protocol.md. */
@ConfigMapping(prefix = "leadline.gateway")
public interface GatewayConfig {

    /** Server ping interval, announced to clients as {@code heartbeat_s}. */
    @WithDefault("25s")
    Duration heartbeat();

    /** A connection silent for this long is closed. */
    @WithDefault("60s")
    Duration idleTimeout();

    @WithDefault("100")
    int maxSubscriptions();

    /**
     * Bytes waiting to be taken by one connection's socket before it is closed as a slow consumer
     * (4008); this bounds the memory one client can hold.
     */
    @WithDefault("1048576")
    long maxPendingBytes();

    /** Inbound frames per second allowed per connection (burst of the same size), then 4029. */
    @WithDefault("50")
    int maxInboundPerSecond();

    @WithDefault("10")
    int maxConnectionsPerUser();

    /**
     * The largest stream message forwarded to clients and inboxes; a larger one is dropped (it can only
     * come from a publisher that bypassed the outbox's own limit).
     */
    @WithDefault("262144")
    int maxEventBytes();

    /** Browser origins allowed to upgrade; empty allows all (requests without Origin are always allowed). */
    Optional<List<String>> allowedOrigins();
}
