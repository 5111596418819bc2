package io.leadline.shared.nats;

/**
 * Fired (asynchronously) when the NATS connection is back after an outage. Push consumers that only
 * want what is new recreate themselves from their last position instead of waiting for the client
 * library's heartbeat alarm; a restarted server has forgotten ephemeral consumers.
 */
public record NatsReconnected(String url) {
}
