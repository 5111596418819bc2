package io.leadline.notify.session;

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

    /**
     * Under sustained load, how long an event loop lets events accumulate before it writes them: a drain
     * that follows another by less than this waits out the rest, so a busy loop writes each subscriber
     * once per interval (one batch, one system call) instead of once per event. A loop that was idle
     * drains at once, so a lone event is never delayed. 0 drains every event at once.
     */
    @WithDefault("2ms")
    Duration coalesce();

    /** Inbound frames per second allowed per connection (burst of the same size); the excess gets rate_limited. */
    @WithDefault("50")
    int maxInboundPerSecond();

    /**
     * Frames refused by the inbound rate are strikes; a connection with more than this many is closed
     * with 4029.
     */
    @WithDefault("50")
    int maxStrikes();

    /**
     * One strike is forgiven per this much time, so a long-lived connection that bursts now and then is
     * never closed, while a steady flood still is.
     */
    @WithDefault("1s")
    Duration strikeDecay();

    /**
     * The most events one {@code since} subscription replays; when more were missed the subscription
     * answers {@code recovered:false} without replaying and the client re-reads its state over REST.
     */
    @WithDefault("10000")
    int maxReplay();

    /**
     * How many stream messages back an event id is looked for: a message whose event id one of this many
     * messages before it carries is a repeat (a publisher's retry after the stream's duplicate window) and
     * is never delivered. Bounds memory (one entry per message) and the read-back at start.
     */
    @WithDefault("100000")
    int repeatWindowMessages();

    /** How long (stream time) an event id is looked for back: an older copy no longer makes a repeat. */
    @WithDefault("24h")
    Duration repeatWindowAge();

    /** {@code since} subscriptions a connection may make at once (a reconnect resubscribing everything). */
    @WithDefault("20")
    int replayBurst();

    /** Time in which a connection earns one more {@code since} subscription, up to {@link #replayBurst()}. */
    @WithDefault("500ms")
    Duration replayRefill();

    /**
     * How long an escrow id that the escrow-parties bucket does not know is remembered as unknown, so
     * repeated subscribes to it are refused from memory instead of reading the bucket each time. The
     * bucket's watch replaces the entry the moment the escrow is created.
     */
    @WithDefault("10s")
    Duration unknownEscrowTtl();

    /** The most unknown escrow ids remembered at once (memory bound against subscribes to made-up ids). */
    @WithDefault("10000")
    int unknownEscrowCacheSize();

    /** How long a WebSocket ticket from {@code POST /api/ws-tickets} may be used (once) to open a socket. */
    @WithDefault("30s")
    Duration ticketTtl();

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
