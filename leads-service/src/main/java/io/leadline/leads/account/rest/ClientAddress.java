package io.leadline.leads.account.rest;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address a request came from. Quarkus's forwarded handling ({@code quarkus.http.proxy.*}) has
 * already replaced the peer's address with the first {@code X-Forwarded-For} address when, and only
 * when, the peer is one of {@code quarkus.http.proxy.trusted-proxies}; anyone else's header is ignored.
 */
final class ClientAddress {

    /** Requests without an IP peer (a domain socket) share one address. */
    static final String UNKNOWN = "unknown";

    private ClientAddress() {
    }

    static String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        if (remote == null) {
            return UNKNOWN;
        }
        String host = remote.hostAddress() != null ? remote.hostAddress() : remote.host();
        return host == null || host.isBlank() ? UNKNOWN : host;
    }
}
