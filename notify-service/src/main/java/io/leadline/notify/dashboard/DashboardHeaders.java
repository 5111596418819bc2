package io.leadline.notify.dashboard;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Headers that keep the dashboards from being turned against their users: a Content-Security-Policy
 * whose {@code connect-src} names only the platform's own origins (a page that was tricked, or a
 * script that was injected, still cannot send a password or token anywhere else), no framing, no
 * content sniffing, no referrer, and pages revalidated on every load so a fix reaches browsers at once
 * (Vert.x would otherwise mark static files immutable for a day). The pages need no inline script or
 * style, so the policy allows none.
 *
 * <p>Every response gets the security headers except the management endpoints under {@code /q/} (the
 * development UIs) and WebSocket upgrades; everything outside {@code /api/} also gets the cache header.
 */
@ApplicationScoped
public class DashboardHeaders {

    @Inject
    DashboardOrigins origins;

    void register(@Observes Filters filters) {
        filters.register(this::handle, 100);
    }

    private void handle(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/q/") || "websocket".equalsIgnoreCase(context.request().getHeader("Upgrade"))) {
            context.next();
            return;
        }
        DashboardOrigins.Origins page = origins.of(context.request());
        boolean api = path.startsWith("/api/");
        context.addHeadersEndHandler(ignored -> {
            MultiMap headers = context.response().headers();
            headers.set("Content-Security-Policy", policy(page));
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "no-referrer");
            if (!api) {
                headers.set("Cache-Control", "no-cache");
            }
        });
        context.next();
    }

    static String policy(DashboardOrigins.Origins page) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src 'self' " + page.webSocket() + " " + page.leads() + " " + page.payments() + "; "
                + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
