package io.leadline.notify.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The websockets-next on the classpath still has the fields through which a socket would keep its upgrade
 * request; after an upgrade that renames them, this fails instead of every socket silently keeping it.
 * (GatewaySocketTest's callbacks after the open, presence joins among them, run as the socket's user.)
 */
class UpgradeLeftoversTest {

    @Test
    void theFieldsThatKeepTheUpgradeRequestAreFound() {
        assertThat(UpgradeLeftovers.available()).isTrue();
    }
}
