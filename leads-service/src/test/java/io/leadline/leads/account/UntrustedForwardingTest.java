package io.leadline.leads.account;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.leadline.leads.account.LoginThrottleTest.newAddress;
import static io.leadline.leads.account.LoginThrottleTest.signIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

/**
 * Without a trusted proxy in front, a client cannot escape the per-address count by sending a new
 * {@code X-Forwarded-For} with every attempt: here loopback, where the test comes from, is not a
 * trusted proxy, so the header is ignored and every failure counts for the real peer address.
 */
@QuarkusTest
@TestProfile(UntrustedForwardingTest.NoTrustedProxyHere.class)
class UntrustedForwardingTest {

    private static final int ADDRESS_LIMIT = 3;

    @Inject
    Database database;

    @Test
    void forwardedAddressesFromAnUntrustedPeerAreIgnored() {
        var user = Api.register("provider");
        for (int i = 0; i < ADDRESS_LIMIT; i++) {
            signIn(Api.uniqueName("guess"), "guessed password", newAddress()).statusCode(401);
        }
        signIn(user.username(), user.password(), newAddress()).statusCode(429)
                .body("detail", startsWith("too many failed sign-ins from this address"));

        assertThat(database.count("SELECT count(*) FROM login_failures WHERE scope = 'address' AND subject LIKE '203.0.%'"))
                .isZero();
        assertThat(database.count("SELECT count(*) FROM login_failures WHERE scope = 'address' AND failures = ?",
                ADDRESS_LIMIT)).isEqualTo(1);
    }

    public static class NoTrustedProxyHere implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            // 192.0.2.1 (TEST-NET-1) never connects: no peer of this test is trusted
            return Map.of("quarkus.http.proxy.trusted-proxies", "192.0.2.1",
                    "leadline.auth.throttle.address.max-failures", String.valueOf(ADDRESS_LIMIT));
        }
    }
}
