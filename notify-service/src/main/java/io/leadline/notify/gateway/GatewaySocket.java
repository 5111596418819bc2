package io.leadline.notify.gateway;

import io.leadline.notify.authorization.ChannelAuthorizer;
import io.leadline.notify.authorization.EscrowParties;
import io.leadline.notify.authorization.Viewer;
import io.leadline.notify.routing.EventRouter;
import io.leadline.notify.routing.Replayer;
import io.leadline.notify.session.Subscriptions;
import io.leadline.notify.security.ConnectionIdentity;
import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.GatewayConfig;
import io.leadline.notify.session.GatewayMetrics;
import io.leadline.notify.session.SessionEnd;
import io.leadline.notify.session.Sessions;
import io.leadline.notify.session.UpgradeIdentity;
import io.leadline.notify.session.SocketEvents;
import io.leadline.notify.session.UpgradeQuery;
import io.leadline.shared.event.Channels;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.function.Supplier;

/**
 * The client protocol at {@code /ws}: authenticated on the upgrade, one connection multiplexing many
 * channels. Every callback runs on the connection's event loop and never blocks: authorization is
 * answered from memory, replays run on their own pool.
 */
@Authenticated
@WebSocket(path = "/ws")
public class GatewaySocket {

    /** The answer to a frame over the inbound rate, text or binary. */
    private static final Supplier<String> SLOW_DOWN =
            () -> ServerFrames.error(ErrorCodes.RATE_LIMITED, "too many frames; slow down", null);

    @Inject
    Sessions sessions;

    @Inject
    Subscriptions subscriptions;

    @Inject
    ChannelAuthorizer authorizer;

    @Inject
    EventRouter router;

    @Inject
    Replayer replayer;

    @Inject
    GatewayConfig config;

    @Inject
    JWTParser jwtParser;

    @Inject
    EscrowParties escrowParties;

    @Inject
    io.vertx.core.Vertx vertx;

    @Inject
    GatewayMetrics metrics;

    @Inject
    WsPresence presence;

    @Inject
    SocketEvents sockets;

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        SecurityIdentity identity = UpgradeIdentity.of(connection);
        if (identity == null) {
            // the upgrade was authenticated (@Authenticated), so only a websockets-next that no longer keeps the
            // identity where UpgradeIdentity reads it gets here: refuse rather than guess who this is
            connection.close(new CloseReason(ErrorCodes.CLOSE_SERVER_ERROR, "no identity")).subscribe().with(v -> {
            }, e -> {
            });
            return;
        }
        ConnectionIdentity who = ConnectionIdentity.of(identity);
        boolean batched = "1".equals(UpgradeQuery.param(connection, "batch"));
        ClientSession session = new ClientSession(connection, LeadlineProtocol.INSTANCE, batched, null, who.userId(),
                who.role(), who.tokenExpiresAt(), config);
        if (!sessions.add(session, config.maxConnectionsPerUser())) {
            session.end(SessionEnd.TOO_MANY_CONNECTIONS);
            return;
        }
        String own = Channels.user(session.userId());
        session.open(own, false);
        subscriptions.add(own, session);
        metrics.opened();
        session.sendText(ServerFrames.connected(session, List.of(own), config.heartbeat().toSeconds()));
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        ClientSession session = sessions.get(connection.id());
        if (session != null) {
            for (String channel : session.channels()) {
                if (WsPresence.isPresence(channel)) {
                    presence.leave(session, channel);
                }
            }
        }
        sockets.closed(connection);
    }

    @OnPongMessage
    @NonBlocking
    public void onPong(WebSocketConnection connection, Buffer data) {
        sockets.ponged(connection);
    }

    @OnError
    @NonBlocking
    public void onError(WebSocketConnection connection, IllegalStateException error) {
        sockets.failed(connection, error);
    }

    @OnTextMessage
    @NonBlocking
    public void onText(WebSocketConnection connection, String text) {
        ClientSession session = sessions.get(connection.id());
        if (session == null) {
            return;
        }
        if (!sockets.admit(session, text,
                SLOW_DOWN)) {
            return;
        }
        ClientFrames.Result frame = ClientFrames.parse(text);
        if (frame instanceof ClientFrames.FrameError error) {
            session.sendText(ServerFrames.error(error.code(), error.message(), error.ref()));
        } else if (frame instanceof ClientFrame.Subscribe subscribe) {
            subscribe(session, subscribe, false);
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
            unsubscribe(session, unsubscribe);
        } else if (frame instanceof ClientFrame.Ping ping) {
            session.sendText(ServerFrames.pong(ping.id()));
        } else if (frame instanceof ClientFrame.Refresh refresh) {
            refresh(session, refresh);
        }
    }

    /**
     * The protocol is JSON text: a binary frame is answered with an error and the connection stays, as for any
     * other frame the server cannot read. It counts against the inbound rate like a text frame.
     */
    @OnBinaryMessage
    @NonBlocking
    public void onBinary(WebSocketConnection connection, Buffer data) {
        ClientSession session = sessions.get(connection.id());
        if (session == null || !sockets.admit(session, data.length(),
                SLOW_DOWN)) {
            return;
        }
        session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "binary frames are not supported", null));
    }

    /** Authorizes, then checks the connection's limits, then subscribes live, with a replay, or as a member. */
    private void subscribe(ClientSession session, ClientFrame.Subscribe frame, boolean partiesLookedUp) {
        if (!authorized(session, frame, partiesLookedUp)) {
            return;
        }
        String channel = frame.channel();
        boolean withSince = frame.since() != null;
        if (withSince && !mayReplay(session, frame)) {
            return;
        }
        if (session.isSubscribed(channel)) {
            if (!withSince && frame.kinds() == null) {
                session.sendText(ServerFrames.subscribed(channel, router.lastSeq(), true, frame.id()));
                return;
            }
            // subscribing again with since (for example the automatic user channel) or a new filter: start over
            drop(session, channel);
        }
        if (session.channels().size() >= config.maxSubscriptions()) {
            session.sendText(ServerFrames.error(ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + config.maxSubscriptions() + " subscriptions per connection", frame.id()));
            return;
        }
        if (WsPresence.isPresence(channel)) {
            join(session, frame);
        } else if (withSince) {
            subscribeWithReplay(session, frame);
        } else {
            session.open(channel, false, frame.kinds());
            subscriptions.add(channel, session);
            session.sendText(ServerFrames.subscribed(channel, router.lastSeq(), true, frame.id()));
        }
    }

    /**
     * Whether the user may see the channel; answers the client when not. An escrow created a moment ago
     * may not have reached the watch yet: the bucket is asked once, off the event loop, and the
     * subscribe decided again on the loop (a miss is remembered for a while, so a repeat does not read it).
     */
    private boolean authorized(ClientSession session, ClientFrame.Subscribe frame, boolean partiesLookedUp) {
        String channel = frame.channel();
        switch (authorizer.decide(new Viewer(session.userId(), session.role()), channel)) {
            case UNKNOWN_CHANNEL -> {
                session.sendText(ServerFrames.error(ErrorCodes.NOT_FOUND, "no such channel: " + channel, frame.id()));
                return false;
            }
            case FORBIDDEN -> {
                String escrowId = Channels.kindOf(channel) == Channels.ChannelKind.ESCROW ? Channels.idOf(channel) : null;
                if (escrowId != null && !partiesLookedUp && !escrowParties.exists(escrowId)
                        && !escrowParties.recentlyUnknown(escrowId)) {
                    metrics.escrowLookup();
                    vertx.executeBlocking(() -> {
                        escrowParties.refresh(escrowId);
                        return null;
                    }, false).onComplete(done -> session.loop().execute(() -> subscribe(session, frame, true)));
                    return false;
                }
                session.sendText(ServerFrames.error(ErrorCodes.FORBIDDEN, "not allowed: " + channel, frame.id()));
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /** One replay at a time per connection, and a bounded rate of them; the subscription as it was stays. */
    private boolean mayReplay(ClientSession session, ClientFrame.Subscribe frame) {
        if (session.isReplaying()) {
            metrics.replayRefused();
            session.sendText(ServerFrames.error(ErrorCodes.BUSY,
                    "another subscription of this connection is still replaying; try again when it is done", frame.id()));
            return false;
        }
        if (!session.allowReplay()) {
            metrics.replayRefused();
            session.sendText(ServerFrames.error(ErrorCodes.RATE_LIMITED,
                    "too many subscriptions with since; slow down", frame.id()));
            return false;
        }
        return true;
    }

    /**
     * Live frames are held from now on; the replayer decides (off the loop) whether the stream still has
     * everything after since, announces it, replays, then releases what was held.
     */
    private void subscribeWithReplay(ClientSession session, ClientFrame.Subscribe frame) {
        String channel = frame.channel();
        long watermark = router.lastSeq();
        Object handle = session.open(channel, true, frame.kinds());
        subscriptions.add(channel, session);
        metrics.recovery();
        replayer.recover(session, channel, handle, frame.since(),
                recovered -> session.sendText(ServerFrames.subscribed(channel, watermark, recovered, frame.id())),
                () -> {
                    metrics.slowConsumer();
                    session.end(SessionEnd.SLOW_CONSUMER);
                });
    }

    /** A presence channel: the user becomes a member on every instance, and the reply lists the members. */
    private void join(ClientSession session, ClientFrame.Subscribe frame) {
        String channel = frame.channel();
        SecurityIdentity identity = UpgradeIdentity.of(session.connection());
        if (identity == null) {
            // read on open, so gone only if websockets-next replaced it: end as on open, never guess who this is
            session.end(SessionEnd.SERVER_ERROR);
            return;
        }
        if (!presence.join(session, channel, identity.getPrincipal().getName())) {
            session.sendText(ServerFrames.error(ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
                    "the presence of " + channel + " is full", frame.id()));
            return;
        }
        session.open(channel, false);
        subscriptions.add(channel, session);
        session.sendText(ServerFrames.joined(channel, router.lastSeq(), presence.members(session, channel), frame.id()));
    }

    private void drop(ClientSession session, String channel) {
        subscriptions.remove(channel, session);
        if (session.isSubscribed(channel) && WsPresence.isPresence(channel)) {
            presence.leave(session, channel);
        }
        session.close(channel);
    }

    private void unsubscribe(ClientSession session, ClientFrame.Unsubscribe frame) {
        drop(session, frame.channel());
        session.sendText(ServerFrames.unsubscribed(frame.channel(), frame.id()));
    }

    private void refresh(ClientSession session, ClientFrame.Refresh frame) {
        try {
            JsonWebToken token = jwtParser.parse(frame.token());
            if (!session.userId().equals(token.getSubject())) {
                session.sendText(ServerFrames.error(ErrorCodes.TOKEN_INVALID, "the token belongs to another user", frame.id()));
                return;
            }
            session.tokenExpiresAt(token.getExpirationTime());
            session.sendText(ServerFrames.refreshed(token.getExpirationTime(), frame.id()));
        } catch (ParseException e) {
            session.sendText(ServerFrames.error(ErrorCodes.TOKEN_INVALID, "the token is invalid or expired", frame.id()));
        }
    }
}
