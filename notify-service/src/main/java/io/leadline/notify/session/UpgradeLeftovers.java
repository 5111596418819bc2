package io.leadline.notify.session;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.WebSocketImplBase;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Lets go of what websockets-next and Vert.x keep of the upgrade request for the life of a socket although the
 * gateway never reads it after the socket opened: the request headers (the {@code Authorization} header
 * with the raw token among them) held by the Vert.x socket and copied into the connection's handshake
 * request, and the routing context in its security support (the HTTP request, its response, their maps).
 * The socket's identity stays: every callback still runs as the authenticated user.
 *
 * <p>These are private fields of websockets-next ({@code WebSocketConnectionImpl$HandshakeRequestImpl.headers},
 * {@code SecuritySupport.routingContext}) and Vert.x ({@code WebSocketImplBase.headers}); after an upgrade
 * that renames them nothing is dropped and a
 * warning is logged once ({@code UpgradeLeftoversTest} fails first). The routing context is only read
 * there when the identity is missing (it is dropped only from authenticated sockets) or is replaced during the
 * socket's life, which the gateway never does.
 */
final class UpgradeLeftovers {

    private static final Logger LOG = Logger.getLogger(UpgradeLeftovers.class);
    private static final Field SECURITY_SUPPORT;
    private static final Field HANDSHAKE_REQUEST;
    private static final Field HEADERS;
    private static final Field ROUTING_CONTEXT;
    private static final Field IDENTITY;
    private static final Field SOCKET_HEADERS;
    private static volatile boolean failed;

    static {
        Field securitySupport = null;
        Field handshakeRequest = null;
        Field headers = null;
        Field routingContext = null;
        Field identity = null;
        Field socketHeaders = null;
        try {
            String runtime = "io.quarkus.websockets.next.runtime.";
            securitySupport = accessible(Class.forName(runtime + "WebSocketConnectionImpl"), "securitySupport");
            handshakeRequest = accessible(Class.forName(runtime + "WebSocketConnectionBase"), "handshakeRequest");
            headers = accessible(Class.forName(runtime + "WebSocketConnectionImpl$HandshakeRequestImpl"), "headers");
            routingContext = accessible(Class.forName(runtime + "SecuritySupport"), "routingContext");
            identity = accessible(Class.forName(runtime + "SecuritySupport"), "identity");
            socketHeaders = accessible(WebSocketImplBase.class, "headers");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("the upgrade request stays referenced by every socket (websockets-next changed: %s)", e.toString());
            securitySupport = null;
        }
        SECURITY_SUPPORT = securitySupport;
        HANDSHAKE_REQUEST = handshakeRequest;
        HEADERS = headers;
        ROUTING_CONTEXT = routingContext;
        IDENTITY = identity;
        SOCKET_HEADERS = socketHeaders;
    }

    private UpgradeLeftovers() {
    }

    private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    /** Whether this websockets-next has the fields dropped here. */
    static boolean available() {
        return SECURITY_SUPPORT != null;
    }

    /**
     * The identity websockets-next keeps for a server connection (what the upgrade authenticated, or a later
     * in-band replacement); null if it keeps none or this websockets-next has no such field.
     */
    static SecurityIdentity identity(WebSocketConnection connection) {
        if (SECURITY_SUPPORT == null || !SECURITY_SUPPORT.getDeclaringClass().isInstance(connection)) {
            return null;
        }
        try {
            Object security = SECURITY_SUPPORT.get(connection);
            return security != null && IDENTITY.getDeclaringClass().isInstance(security)
                    ? (SecurityIdentity) IDENTITY.get(security)
                    : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Drops the upgrade's headers and routing context from a server connection; after its open callback read them. */
    static void drop(WebSocketConnection connection) {
        if (SECURITY_SUPPORT == null || failed || !SECURITY_SUPPORT.getDeclaringClass().isInstance(connection)) {
            return;
        }
        try {
            SOCKET_HEADERS.set(RawSockets.socketOf(connection), MultiMap.caseInsensitiveMultiMap());
            Object request = HANDSHAKE_REQUEST.get(connection);
            if (HEADERS.getDeclaringClass().isInstance(request)) {
                HEADERS.set(request, Map.of());
            }
            Object security = SECURITY_SUPPORT.get(connection);
            // without an identity of its own (a socket that is not authenticated) the routing context is where
            // websockets-next looks for one: kept
            if (security != null && ROUTING_CONTEXT.getDeclaringClass().isInstance(security)
                    && IDENTITY.get(security) != null) {
                ROUTING_CONTEXT.set(security, null);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // e.g. a native image that refuses the write: the socket works as before, keeping the request
            if (!failed) {
                failed = true;
                LOG.warnf("the upgrade request stays referenced by every socket (%s)", e.toString());
            }
        }
    }
}
