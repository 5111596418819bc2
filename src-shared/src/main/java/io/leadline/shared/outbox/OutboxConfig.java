package io.leadline.shared.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "leadline.outbox")
public interface OutboxConfig {

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
