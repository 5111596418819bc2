package io.leadline.notify.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The notification inbox: its writer, the reads that wait for it, and the admin send path. */
@ConfigMapping(prefix = "leadline.inbox")
public interface InboxConfig {

    /** Stream messages read into one transaction, at most. */
    @WithDefault("512")
    int batchSize();

    /** How long the writer waits for the next message before it renews its lease. */
    @WithDefault("1s")
    Duration idleWait();

    /**
     * How long the writer's lease lasts without renewal: when its instance dies, another takes over
     * after at most this long (at once when it shuts down cleanly).
     */
    @WithDefault("10s")
    Duration lease();

    /** How often an instance that is not writing checks whether the writer's lease has lapsed. */
    @WithDefault("2s")
    Duration standbyCheck();

    /** Pause after a failure (database or NATS) before the writer starts again from its stored position. */
    @WithDefault("2s")
    Duration retryDelay();

    /**
     * How long a REST read waits for the inbox to reach the stream's last sequence. Past it the answer
     * is given as it stands; its {@code as_of_seq} says how far it goes.
     */
    @WithDefault("5s")
    Duration readWait();

    /**
     * How long the answer to a change of the read state waits for its {@code notification_read} to be in
     * the stream (published by the outbox relay): anything published after the answer then follows the
     * announcement. Past it (the stream unreachable) the answer is given all the same.
     */
    @WithDefault("5s")
    Duration announceWait();

    /** While reads wait on an instance that is not the writer, how often it reads the stored position. */
    @WithDefault("5ms")
    Duration positionPoll();

    /** How often escrow notifications parked for their parties are tried again. */
    @WithDefault("2s")
    Duration parkedRetryInterval();

    /** A parked escrow notification whose parties are still unknown after this long is dropped. */
    @WithDefault("1h")
    Duration parkedMaxAge();

    /** How long an admin send to a role waits for leads-service to list the role's users. */
    @WithDefault("3s")
    Duration usersByRoleTimeout();
}
