package io.leadline.leads.claim;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "leadline.claims")
public interface ClaimsConfig {

    @WithDefault("5s")
    Duration paymentTimeout();

    /** A claim still pending after this long lost its request (a crash): it is voided and settled. */
    @WithDefault("2m")
    Duration staleAfter();

    @WithDefault("15s")
    Duration settleInterval();
}
