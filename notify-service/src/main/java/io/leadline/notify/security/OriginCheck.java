package io.leadline.notify.security;

import io.leadline.notify.session.GatewayConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Browsers send their page's Origin on an upgrade; only allow-listed origins may open a socket (403).
 * Clients that send no Origin (mobile apps, servers) are not browsers and pass.
 */
@ApplicationScoped
public class OriginCheck implements HttpUpgradeCheck {

    @Inject
    GatewayConfig config;

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        List<String> allowed = config.allowedOrigins().orElse(List.of());
        String origin = context.httpRequest().getHeader("Origin");
        if (origin == null || allowed.isEmpty() || allowed.contains(origin) || allowed.contains("*")) {
            return CheckResult.permitUpgrade();
        }
        return CheckResult.rejectUpgrade(403);
    }
}
