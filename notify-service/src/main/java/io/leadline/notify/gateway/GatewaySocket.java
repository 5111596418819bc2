package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Set;

/**
 * The client protocol at {@code /ws}: authenticated on the upgrade, one connection multiplexing many
 * channels. Every callback runs on the connection's event loop and never blocks: authorization is
 * answered from memory, replays run on their own pool.
 */
@Authenticated
@WebSocket(path = "/ws")
public class GatewaySocket {


    @Inject
    SecurityIdentity identity;

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

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        ConnectionIdentity who = ConnectionIdentity.of(identity);
        ClientSession session = new ClientSession(connection, LeadlineProtocol.INSTANCE, null, who.userId(), who.role(),
                who.tokenExpiresAt(), config);
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
        ClientSession session = sessions.remove(connection.id());
        if (session != null) {
            subscriptions.removeAll(session);
            session.releaseAll();
            metrics.closed();
        }
    }

    @OnPongMessage
    @NonBlocking
    public void onPong(WebSocketConnection connection, Buffer data) {
        ClientSession session = sessions.get(connection.id());
        if (session != null) {
            session.touch();
        }
    }

    /** A message over the size limit (Vert.x refuses to aggregate it): 1009, as for a single oversized frame. */
    @OnError
    @NonBlocking
    public void onError(WebSocketConnection connection, IllegalStateException error) {
        ClientSession session = sessions.get(connection.id());
        short code = error.getMessage() != null && error.getMessage().contains("max message size")
                ? ErrorCodes.CLOSE_TOO_BIG : ErrorCodes.CLOSE_SERVER_ERROR;
        if (session != null) {
            session.close(code, code == ErrorCodes.CLOSE_TOO_BIG ? "message too big" : "server error");
        } else {
            connection.close(new io.quarkus.websockets.next.CloseReason(code, "")).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    @OnTextMessage
    @NonBlocking
    public void onText(WebSocketConnection connection, String text) {
        ClientSession session = sessions.get(connection.id());
        if (session == null) {
            return;
        }
        session.touch();
        metrics.inbound(text.length());
        if (!session.allowInbound()) {
            if (session.strike() > config.maxStrikes()) {
                session.end(SessionEnd.RATE_LIMITED);
            } else {
                session.sendText(ServerFrames.error(ErrorCodes.RATE_LIMITED, "too many frames; slow down", null));
            }
            return;
        }
        JsonNode frame;
        try {
            frame = JsonCodec.mapper().readTree(text);
        } catch (Exception e) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "malformed JSON", null));
            return;
        }
        if (frame == null || !frame.isObject()) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "a frame is a JSON object", null));
            return;
        }
        String id = frame.hasNonNull("id") ? frame.get("id").asText() : null;
        JsonNode type = frame.get("type");
        if (type == null || !type.isTextual()) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "missing field: type", id));
            return;
        }
        switch (type.asText()) {
            case "subscribe" -> subscribe(session, frame, id);
            case "unsubscribe" -> unsubscribe(session, frame, id);
            case "ping" -> session.sendText(ServerFrames.pong(id));
            case "refresh" -> refresh(session, frame, id);
            default -> session.sendText(ServerFrames.error(ErrorCodes.UNKNOWN_TYPE,
                    "unknown frame type: " + type.asText(), id));
        }
    }

    private void subscribe(ClientSession session, JsonNode frame, String id) {
        subscribe(session, frame, id, false);
    }

    private void subscribe(ClientSession session, JsonNode frame, String id, boolean partiesLookedUp) {
        JsonNode channelNode = frame.get("channel");
        if (channelNode == null || !channelNode.isTextual()) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "missing field: channel", id));
            return;
        }
        String channel = channelNode.asText();
        JsonNode sinceNode = frame.get("since");
        if (sinceNode != null && !sinceNode.isNull() && !(sinceNode.canConvertToLong() && sinceNode.isIntegralNumber()
                && sinceNode.asLong() >= 0)) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "since must be a non-negative integer", id));
            return;
        }
        switch (authorizer.decide(new Viewer(session.userId(), session.role()), channel)) {
            case UNKNOWN_CHANNEL -> {
                session.sendText(ServerFrames.error(ErrorCodes.NOT_FOUND, "no such channel: " + channel, id));
                return;
            }
            case FORBIDDEN -> {
                String escrowId = Channels.kindOf(channel) == Channels.ChannelKind.ESCROW ? Channels.idOf(channel) : null;
                if (escrowId != null && !partiesLookedUp && !escrowParties.exists(escrowId)
                        && !escrowParties.recentlyUnknown(escrowId)) {
                    // an escrow created a moment ago may not have reached the watch yet: ask the bucket once
                    // (a miss is remembered for a while, so repeating the subscribe does not read it again)
                    metrics.escrowLookup();
                    vertx.executeBlocking(() -> {
                        escrowParties.refresh(escrowId);
                        return null;
                    }, false).onComplete(done -> session.loop().execute(() -> subscribe(session, frame, id, true)));
                    return;
                }
                session.sendText(ServerFrames.error(ErrorCodes.FORBIDDEN, "not allowed: " + channel, id));
                return;
            }
            case ALLOWED -> {
            }
        }
        Set<String> kinds;
        try {
            kinds = MonitorFilter.kinds(channel, frame.get("filter"));
        } catch (IllegalArgumentException invalid) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, invalid.getMessage(), id));
            return;
        }
        boolean withSince = sinceNode != null && !sinceNode.isNull();
        if (withSince && session.isReplaying()) {
            // one replay at a time per connection; the subscription as it was stays
            metrics.replayRefused();
            session.sendText(ServerFrames.error(ErrorCodes.BUSY,
                    "another subscription of this connection is still replaying; try again when it is done", id));
            return;
        }
        if (withSince && !session.allowReplay()) {
            metrics.replayRefused();
            session.sendText(ServerFrames.error(ErrorCodes.RATE_LIMITED,
                    "too many subscriptions with since; slow down", id));
            return;
        }
        if (session.isSubscribed(channel)) {
            if (!withSince && kinds == null) {
                session.sendText(ServerFrames.subscribed(channel, router.lastSeq(), true, id));
                return;
            }
            // subscribing again with since (for example the automatic user channel) or a new filter: start over
            subscriptions.remove(channel, session);
            session.close(channel);
        }
        if (session.channels().size() >= config.maxSubscriptions()) {
            session.sendText(ServerFrames.error(ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + config.maxSubscriptions() + " subscriptions per connection", id));
            return;
        }
        long watermark = router.lastSeq();
        if (!withSince) {
            session.open(channel, false, kinds);
            subscriptions.add(channel, session);
            session.sendText(ServerFrames.subscribed(channel, watermark, true, id));
            return;
        }
        long since = sinceNode.asLong();
        // live frames are held from now on; the replayer decides (off the loop) whether the stream still
        // has everything after since, announces it, replays, then releases what was held
        Object handle = session.open(channel, true, kinds);
        subscriptions.add(channel, session);
        metrics.recovery();
        replayer.recover(session, channel, handle, since,
                recovered -> session.sendText(ServerFrames.subscribed(channel, watermark, recovered, id)),
                () -> {
                    metrics.slowConsumer();
                    session.end(SessionEnd.SLOW_CONSUMER);
                });
    }

    private void unsubscribe(ClientSession session, JsonNode frame, String id) {
        JsonNode channelNode = frame.get("channel");
        if (channelNode == null || !channelNode.isTextual()) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "missing field: channel", id));
            return;
        }
        String channel = channelNode.asText();
        subscriptions.remove(channel, session);
        session.close(channel);
        session.sendText(ServerFrames.unsubscribed(channel, id));
    }

    private void refresh(ClientSession session, JsonNode frame, String id) {
        JsonNode tokenNode = frame.get("token");
        if (tokenNode == null || !tokenNode.isTextual()) {
            session.sendText(ServerFrames.error(ErrorCodes.BAD_REQUEST, "missing field: token", id));
            return;
        }
        try {
            JsonWebToken token = jwtParser.parse(tokenNode.asText());
            if (!session.userId().equals(token.getSubject())) {
                session.sendText(ServerFrames.error(ErrorCodes.TOKEN_INVALID, "the token belongs to another user", id));
                return;
            }
            session.tokenExpiresAt(token.getExpirationTime());
            session.sendText(ServerFrames.refreshed(token.getExpirationTime(), id));
        } catch (ParseException e) {
            session.sendText(ServerFrames.error(ErrorCodes.TOKEN_INVALID, "the token is invalid or expired", id));
        }
    }
}
