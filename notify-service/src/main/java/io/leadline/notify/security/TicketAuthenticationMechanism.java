package io.leadline.notify.security;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Accepts a WebSocket ticket as the {@code ticket} query parameter, on upgrade requests to the
 * WebSocket endpoint only: a ticket never authenticates a REST call (an {@code Upgrade} header on one
 * changes nothing, and the ticket is not spent). A JWT in the URL ({@code ?token=}) is not read at all.
 */
@ApplicationScoped
public class TicketAuthenticationMechanism implements HttpAuthenticationMechanism {

    /** The gateway's endpoint ({@code GatewaySocket}); the only place a ticket is taken. */
    static final String WEBSOCKET_PATH = "/ws";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!"websocket".equalsIgnoreCase(context.request().getHeader("Upgrade"))
                || !WEBSOCKET_PATH.equals(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        String ticket = context.request().getParam("ticket");
        if (ticket == null || ticket.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new TicketAuthenticationRequest(ticket), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TicketAuthenticationRequest.class);
    }
}
