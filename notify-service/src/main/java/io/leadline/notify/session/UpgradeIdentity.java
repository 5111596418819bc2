package io.leadline.notify.session;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Who a socket belongs to, read from the connection itself. Injecting {@code SecurityIdentity} into an
 * endpoint would give the same identity, but through a request-scoped bean: websockets-next would then
 * activate and end a request context around every callback of every socket (every frame in, every pong),
 * and keep its state with each idle connection. The endpoints read the identity here once, when the
 * socket opens, and keep what they need in the session.
 */
public final class UpgradeIdentity {

    private UpgradeIdentity() {
    }

    /**
     * The authenticated identity of a server connection; null if there is none, anonymous or not, or it cannot
     * be read (the caller then refuses the socket: never treat null as anyone).
     */
    public static SecurityIdentity of(WebSocketConnection connection) {
        SecurityIdentity identity = UpgradeLeftovers.identity(connection);
        return identity == null || identity.isAnonymous() ? null : identity;
    }
}
