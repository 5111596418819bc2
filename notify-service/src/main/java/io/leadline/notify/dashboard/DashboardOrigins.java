package io.leadline.notify.dashboard;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Optional;

/**
 * The origins a dashboard page talks to: its own (REST and the WebSocket), leads-service and
 * payments-service. Configured URLs are checked at start; without them, local development gets the
 * page's own host at 8081 and 8082.
 */
@ApplicationScoped
public class DashboardOrigins {

    static final int LEADS_PORT = 8081;
    static final int PAYMENTS_PORT = 8082;

    @Inject
    DashboardConfig config;

    /** The origins for one page request. */
    public record Origins(String self, String webSocket, String leads, String payments) {
    }

    void check(@Observes StartupEvent event) {
        config.leadsUrl().ifPresent(url -> origin("leadline.dashboard.leads-url", url));
        config.paymentsUrl().ifPresent(url -> origin("leadline.dashboard.payments-url", url));
    }

    public Origins of(HttpServerRequest request) {
        String scheme = "https".equalsIgnoreCase(request.scheme()) ? "https" : "http";
        HostAndPort authority = request.authority();
        String host = authority == null ? "localhost" : bracketed(authority.host());
        String self = scheme + "://" + (authority == null ? host : host + (authority.port() > 0 ? ":" + authority.port() : ""));
        String webSocket = (scheme.equals("https") ? "wss" : "ws") + self.substring(scheme.length());
        return new Origins(self, webSocket,
                configured(config.leadsUrl(), "leadline.dashboard.leads-url").orElse(scheme + "://" + host + ":" + LEADS_PORT),
                configured(config.paymentsUrl(), "leadline.dashboard.payments-url").orElse(scheme + "://" + host + ":" + PAYMENTS_PORT));
    }

    private static Optional<String> configured(Optional<String> url, String property) {
        return url.map(value -> origin(property, value));
    }

    /** scheme://host[:port] of an absolute http(s) URL; anything else is a configuration error. */
    static String origin(String property, String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " is not a URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(property + " must be an http(s) origin such as https://leads.example.com, not " + url);
        }
        return scheme + "://" + uri.getHost().toLowerCase() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
