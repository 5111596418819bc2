package io.leadline.notify.presence;

import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;

import java.time.Duration;

/**
 * Another notify-service instance, as far as presence goes: a registry of its own on its own NATS
 * connection (notify's credentials) and the same bucket.
 */
final class OtherInstance implements AutoCloseable {

    final Connection connection;
    final PresenceRegistry registry;
    final PresenceEvents events = new PresenceEvents();

    OtherInstance(int maxMembers) {
        connection = LeadlineTestResources.nats().connect(NatsIdentity.NOTIFY);
        registry = new PresenceRegistry(connection, new PresenceRegistry.Settings(Duration.ofSeconds(1),
                Duration.ofSeconds(15), Duration.ofSeconds(1), maxMembers));
        registry.addListener(events);
    }

    /** Dies without a word: no entry deleted, no liveness refreshed any more. */
    void crash() throws InterruptedException {
        registry.stop(false);
        connection.close();
    }

    @Override
    public void close() throws InterruptedException {
        registry.stop(true);
        connection.close();
    }
}
