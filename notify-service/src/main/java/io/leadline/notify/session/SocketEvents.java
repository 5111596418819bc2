package io.leadline.notify.session;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.function.Supplier;

/** What every protocol's endpoint does alike with a socket's pongs, failures, closes and inbound frames. */
@ApplicationScoped
public class SocketEvents {

    private static final short CLOSE_TOO_BIG = 1009;
    private static final short CLOSE_SERVER_ERROR = 1011;

    @Inject
    Sessions sessions;

    @Inject
    Subscriptions subscriptions;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    /** A pong: the client is alive. */
    public void ponged(WebSocketConnection connection) {
        ClientSession session = sessions.get(connection.id());
        if (session != null) {
            session.touch();
        }
    }

    /**
     * A failure of the socket. A message over the size limit (Vert.x refuses to aggregate it) ends the
     * session as too big (1009, as for a single oversized frame); anything else as a server error.
     */
    public void failed(WebSocketConnection connection, Throwable error) {
        boolean tooBig = error.getMessage() != null && error.getMessage().contains("max message size");
        ClientSession session = sessions.get(connection.id());
        if (session != null) {
            session.end(tooBig ? SessionEnd.TOO_BIG : SessionEnd.SERVER_ERROR);
        } else {
            connection.close(new CloseReason(tooBig ? CLOSE_TOO_BIG : CLOSE_SERVER_ERROR, "")).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    /** The socket closed: forgets its session and its subscriptions; null when it had none. */
    public ClientSession closed(WebSocketConnection connection) {
        ClientSession session = sessions.remove(connection.id());
        if (session != null) {
            subscriptions.removeAll(session);
            session.releaseAll();
            metrics.closed();
        }
        return session;
    }

    /**
     * An inbound frame: the session is alive; whether its frame may be handled now. Over the rate the client
     * gets {@code slowDown} (its protocol's error), and a client that keeps flooding is closed. A client that has
     * more than {@code max-pending-bytes} waiting to be read is closed as a slow consumer (4008), as it is when
     * events pile up: the answers to its own frames count too.
     */
    public boolean admit(ClientSession session, String text, Supplier<String> slowDown) {
        return admit(session, text.length(), slowDown);
    }

    /** As {@link #admit(ClientSession, String, Supplier)}, for a frame of {@code length} characters or bytes. */
    public boolean admit(ClientSession session, int length, Supplier<String> slowDown) {
        session.touch();
        metrics.inbound(length);
        if (session.overPendingLimit()) {
            // every frame is answered: a client that sends and never reads would pile up answers without bound
            metrics.slowConsumer();
            session.end(SessionEnd.SLOW_CONSUMER);
            return false;
        }
        if (session.allowInbound()) {
            return true;
        }
        if (session.strike() > config.maxStrikes()) {
            session.end(SessionEnd.RATE_LIMITED);
        } else {
            session.sendText(slowDown.get());
        }
        return false;
    }
}
