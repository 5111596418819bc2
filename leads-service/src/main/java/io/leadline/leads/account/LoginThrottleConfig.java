package io.leadline.leads.account;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Limits on failed sign-ins ({@code POST /api/auth/token}). Past {@code max-failures} failures in a
 * window, sign-ins for that account or from that address are refused with 429 until the window (which
 * starts at the first failure) has passed; refused attempts do not count, so a window always ends.
 */
@ConfigMapping(prefix = "leadline.auth.throttle")
public interface LoginThrottleConfig {

    /** Per account: guessing one user's password. A successful sign-in resets it. */
    Account account();

    /** Per client address: trying many accounts from one place. Kept higher, since offices share addresses. */
    Address address();

    /** How often rows of ended windows are deleted (read by @Scheduled). */
    @WithDefault("5m")
    String pruneInterval();

    interface Account {
        @WithDefault("5")
        int maxFailures();

        @WithDefault("15m")
        Duration window();
    }

    interface Address {
        @WithDefault("30")
        int maxFailures();

        @WithDefault("15m")
        Duration window();
    }
}
