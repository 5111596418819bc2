package io.leadline.notify.presence;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The cluster-wide presence registry ({@link PresenceRegistry}). */
@ConfigMapping(prefix = "leadline.presence")
public interface PresenceConfig {

    /** How often an instance refreshes its liveness key in the bucket. */
    @WithDefault("3s")
    Duration livenessInterval();

    /**
     * How long an instance's liveness may go unrefreshed before the others consider it dead and remove
     * its members. Must be several liveness intervals.
     */
    @WithDefault("15s")
    Duration expiry();

    /** How often an instance looks for dead instances. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Distinct users a presence key may have; a join of one more is refused. */
    @WithDefault("10000")
    int maxMembers();
}
