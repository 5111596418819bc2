package io.leadline.leads.account.rest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    @Test
    void addressesAndNetworksQuarkusChecksWithoutALookupAreAccepted() {
        assertThatCode(() -> TrustedProxies.requireNoLookup(List.of("127.0.0.1", "127.0.0.1/32", "::1/128", "localhost",
                "10.244.0.0/16", "fd00:10:244::/56", "192.0.2.1:8443", "[::1]", "[fd00::1]:8443")))
                .doesNotThrowAnyException();
    }

    @Test
    void aBareIpv6AddressIsRefusedBecauseQuarkusReadsItAsHostAndPort() {
        assertThatThrownBy(() -> TrustedProxies.requireNoLookup(List.of("127.0.0.1", "::1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'::1'")
                .hasMessageContaining("::1/128");
    }

    @Test
    void aHostNameIsRefused() {
        assertThatThrownBy(() -> TrustedProxies.requireNoLookup(List.of("ingress-nginx-controller")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'ingress-nginx-controller'");
    }
}
