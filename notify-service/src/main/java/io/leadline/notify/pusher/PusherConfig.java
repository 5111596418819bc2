package io.leadline.notify.pusher;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The Pusher-protocol adapter: one app, its id, key and secret from {@code LEADLINE_PUSHER_APP_ID},
 * {@code LEADLINE_PUSHER_APP_KEY} and {@code LEADLINE_PUSHER_APP_SECRET}. Only the dev and test profiles
 * have defaults, and {@code leadline.secrets.dev-only} makes any other profile refuse to start with the
 * dev secret. Without all three the adapter is off: {@code /app/*} closes with 4001, {@code /apps/*} is 404.
 */
@ConfigMapping(prefix = "leadline.pusher")
public interface PusherConfig {

    Optional<String> appId();

    /** The public key clients connect with ({@code /app/{key}}) and that signs channel auth strings. */
    Optional<String> appKey();

    Optional<String> appSecret();

    /** Announced in {@code pusher:connection_established} as {@code activity_timeout}, in seconds. */
    @WithDefault("120s")
    Duration activityTimeout();

    /** Whether {@code client-*} events are relayed at all. */
    @WithDefault("true")
    boolean clientEvents();

    @WithDefault("10000")
    int maxPresenceMembers();

    /** How far an HTTP API request's {@code auth_timestamp} may lie from the server's clock, either way. */
    @WithDefault("300s")
    Duration apiTimestampWindow();

    /** The largest {@code data} of one event, in bytes (UTF-8), like Pusher's 10 KB; larger is 413. */
    @WithDefault("10240")
    int maxBodyBytes();

    /** The largest HTTP API request body; larger is 413 before the signature is even checked. */
    @WithDefault("262144")
    int maxRequestBytes();

    /** Events in one {@code batch_events} request. */
    @WithDefault("10")
    int maxBatchEvents();

    /** Channels one event may name. */
    @WithDefault("100")
    int maxChannelsPerEvent();

    /** How long an HTTP API request waits for the stream to acknowledge its events. */
    @WithDefault("5s")
    Duration publishTimeout();

    /**
     * Pusher sockets one instance holds; one more is closed with 4004. A Pusher socket needs no token, so this,
     * not the per-user limit of {@code /ws}, is what bounds them.
     */
    @WithDefault("10000")
    int maxConnections();

    /** Whether id, key and secret are all set (and not blank). */
    default boolean enabled() {
        return appId().filter(v -> !v.isBlank()).isPresent() && appKey().filter(v -> !v.isBlank()).isPresent()
                && appSecret().filter(v -> !v.isBlank()).isPresent();
    }
}
