package io.leadline.notify.security;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who opened a socket, however the upgrade was authenticated: a JWT (Authorization header or the
 * browser subprotocol carrier) or a ticket issued for one. {@code tokenExpiresAt} is the token's exp
 * either way, so the socket ends with the token unless it is refreshed in band.
 */
public record ConnectionIdentity(String userId, String role, long tokenExpiresAt) {

    public static ConnectionIdentity of(SecurityIdentity identity) {
        String role = identity.getRoles().stream().findFirst().orElse("");
        if (identity.getPrincipal() instanceof TicketPrincipal ticket) {
            return new ConnectionIdentity(ticket.userId(), role, ticket.tokenExpiresAt());
        }
        if (identity.getPrincipal() instanceof SocketPrincipal socket) {
            return new ConnectionIdentity(socket.userId(), role, socket.tokenExpiresAt());
        }
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        return new ConnectionIdentity(token.getSubject(), role, token.getExpirationTime());
    }
}
