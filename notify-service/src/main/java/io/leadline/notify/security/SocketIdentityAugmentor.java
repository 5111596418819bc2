package io.leadline.notify.security;

import io.leadline.shared.security.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;

/**
 * The identity of a WebSocket upgrade to the gateway lives as long as the socket (websockets-next keeps
 * it for every callback), so a JWT identity is reduced there to a {@link SocketPrincipal} and the roles:
 * no parsed token, claim maps, raw token or credentials stay behind per connection. REST requests keep
 * the full token. Runs after every other augmentor, and checks itself that the subject names an account
 * (as {@code AccountSubjectAugmentor} does), so the order does not matter.
 */
@ApplicationScoped
public class SocketIdentityAugmentor implements SecurityIdentityAugmentor {

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return Uni.createFrom().item(identity);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> attributes) {
        if (!(identity.getPrincipal() instanceof JsonWebToken token)
                || !isGatewayUpgrade(HttpSecurityUtils.getRoutingContextAttribute(attributes))) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(() -> slim(identity, token));
    }

    static SecurityIdentity slim(SecurityIdentity identity, JsonWebToken token) {
        String subject = token.getSubject();
        if (!Caller.namesAnAccount(subject)) {
            throw new AuthenticationFailedException("the token does not name an account");
        }
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new SocketPrincipal(token.getName(), subject, token.getExpirationTime()))
                .addRoles(identity.getRoles())
                .build();
    }

    static boolean isGatewayUpgrade(RoutingContext context) {
        return context != null && TicketAuthenticationMechanism.WEBSOCKET_PATH.equals(context.normalizedPath())
                && "websocket".equalsIgnoreCase(context.request().getHeader("Upgrade"));
    }
}
