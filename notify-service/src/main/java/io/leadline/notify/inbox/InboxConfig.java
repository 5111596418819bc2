package io.leadline.notify.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The notification inbox: its durable stream consumers and the admin send path. */
@ConfigMapping(prefix = "leadline.inbox")
public interface InboxConfig {

    /** Durable pull consumer on {@code ch.user.>}, shared by every notify instance. */
    @WithDefault("notify-inbox-users")
    String usersConsumer();

    /** Durable pull consumer on {@code ch.escrow.>}, shared by every notify instance. */
    @WithDefault("notify-inbox-escrows")
    String escrowsConsumer();

    /** Messages taken per fetch and stored in one transaction. */
    @WithDefault("256")
    int fetchBatch();

    /** How long one fetch waits for messages; also bounds how long shutdown waits for a fetcher. */
    @WithDefault("1s")
    Duration fetchWait();

    /** An unacknowledged message is delivered again after this long. */
    @WithDefault("30s")
    Duration ackWait();

    /** Messages delivered and not yet acknowledged, per consumer, across all instances. */
    @WithDefault("2048")
    int maxAckPending();

    /** Pause before a failed message is delivered again, and before a failed fetcher resubscribes. */
    @WithDefault("2s")
    Duration retryDelay();

    /**
     * Deliveries of a {@code status_change} whose escrow parties are still unknown before it is
     * dropped (the parties bucket is written by payments-service and may lag the event).
     */
    @WithDefault("10")
    int unknownEscrowDeliveries();

    /** How long an admin send to a role waits for leads-service to list the role's users. */
    @WithDefault("3s")
    Duration usersByRoleTimeout();
}
