package io.leadline.shared.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import io.leadline.shared.event.Owner;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "leadline.outbox")
public interface OutboxConfig {

    /**
     * The service whose events this outbox holds: an event of another owner is refused when written,
     * since its publish would be refused by NATS and hold up every later event of the relay.
     */
    Optional<Owner> owner();

    /** How often the relay looks for events left behind (a crash between commit and publish). */
    @WithDefault("1s")
    Duration pollInterval();

    @WithDefault("500")
    int batchSize();

    /** When another instance holds the relay lock, look again after this delay ... */
    @WithDefault("20ms")
    Duration lockRetryDelay();

    /** ... this many times in a row, then leave it to the poll. */
    @WithDefault("5")
    int lockRetries();

    /** How long published rows stay for inspection before they are pruned. */
    @WithDefault("1h")
    Duration retention();

    @WithDefault("5m")
    Duration pruneInterval();
}
