package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.presence.Member;
import io.leadline.notify.presence.PresenceRegistry;
import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.GatewayConfig;
import io.leadline.notify.session.GatewayMetrics;
import io.leadline.notify.session.Sessions;
import io.leadline.notify.session.SocketEvents;
import io.leadline.notify.session.UpgradeQuery;
import io.leadline.notify.session.Subscriptions;
import io.leadline.notify.session.TokenBucket;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Pusher protocol 7 at {@code /app/{key}}, for pusher-js and laravel-echo clients. The socket is not
 * authenticated as a whole: a private or presence subscription carries a signature the auth endpoint
 * (or the application's own backend, holding the app secret) made for this socket and channel, checked
 * here before anything is subscribed. Events come from the same router and stream as on {@code /ws}.
 */
@WebSocket(path = "/app/{key}")
public class PusherSocket {

    /** The answer to a frame over the inbound rate, text or binary. */
    private static final Supplier<String> SLOW_DOWN = () -> PusherFrames.error(null, "Too many messages; slow down");

    private static final String PROTOCOL_VERSION = "7";
    /** Pusher's own limit on client events per connection. */
    private static final int CLIENT_EVENTS_PER_SECOND = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Socket ids are {@code instance.counter}, unique across instances without coordination. */
    private static final long INSTANCE = 1 + RANDOM.nextInt(Integer.MAX_VALUE - 1);
    private static final AtomicLong SOCKETS = new AtomicLong();

    @Inject
    Sessions sessions;

    @Inject
    Subscriptions subscriptions;

    @Inject
    GatewayConfig gateway;

    @Inject
    GatewayMetrics metrics;

    @Inject
    PusherConfig config;

    @Inject
    PusherPublisher publisher;

    @Inject
    PresenceRegistry presence;

    @Inject
    PusherConnections connections;

    @Inject
    SocketEvents sockets;

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        String key = connection.pathParam("key");
        if (!config.enabled() || !PusherSignatures.constantTimeEquals(config.appKey().orElseThrow(), key)) {
            refuse(connection, PusherProtocol.APP_NOT_FOUND, "App key not in this cluster");
            return;
        }
        String version = UpgradeQuery.param(connection, "protocol");
        if (version != null && !PROTOCOL_VERSION.equals(version)) {
            refuse(connection, PusherProtocol.UNSUPPORTED_PROTOCOL, "Unsupported protocol version; this server speaks 7");
            return;
        }
        if (connections.size() >= config.maxConnections()) {
            refuse(connection, PusherProtocol.OVER_QUOTA, "Over connection quota");
            return;
        }
        String socketId = INSTANCE + "." + SOCKETS.incrementAndGet();
        ClientSession session = new ClientSession(connection, PusherProtocol.INSTANCE, false, socketId, null, null, 0, gateway);
        sessions.add(session, Integer.MAX_VALUE);
        connections.put(connection.id(), new PusherConnection(session,
                TokenBucket.perSecond(CLIENT_EVENTS_PER_SECOND)));
        metrics.opened();
        session.sendText(PusherFrames.connectionEstablished(socketId, config.activityTimeout().toSeconds()));
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        PusherConnection pusher = connections.remove(connection.id());
        if (pusher != null) {
            for (Map.Entry<String, String> membership : pusher.presenceKeys().entrySet()) {
                presence.leave(membership.getValue(), connection.id());
                String user = pusher.presenceUsers().get(membership.getKey());
                if (user != null) {
                    connections.releaseMembership(user);
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
        PusherConnection pusher = connections.get(connection.id());
        if (pusher == null) {
            return;
        }
        ClientSession session = pusher.session();
        if (!sockets.admit(session, text, SLOW_DOWN)) {
            return;
        }
        PusherFrames.Result frame = PusherFrames.parse(text);
        if (frame instanceof PusherFrames.Invalid invalid) {
            session.sendText(PusherFrames.error(invalid.code(), invalid.message()));
        } else if (frame instanceof PusherFrame.Subscribe subscribe) {
            subscribe(pusher, subscribe);
        } else if (frame instanceof PusherFrame.Unsubscribe unsubscribe) {
            unsubscribe(pusher, unsubscribe.channel());
        } else if (frame instanceof PusherFrame.Ping) {
            session.sendText(PusherFrames.pong());
        } else if (frame instanceof PusherFrame.ClientEvent event) {
            clientEvent(pusher, event);
        }
    }

    /**
     * Pusher speaks JSON text frames: a binary frame gets a {@code pusher:error} (no code: pusher-js only reports
     * it) and the socket stays open. It counts against the inbound rate like a text frame.
     */
    @OnBinaryMessage
    @NonBlocking
    public void onBinary(WebSocketConnection connection, Buffer data) {
        PusherConnection pusher = connections.get(connection.id());
        if (pusher == null) {
            return;
        }
        ClientSession session = pusher.session();
        if (sockets.admit(session, data.length(), SLOW_DOWN)) {
            session.sendText(PusherFrames.error(null, "Binary frames are not supported; send JSON text frames"));
        }
    }

    /**
     * A private or presence channel needs an auth string signed with the app secret for this socket and
     * channel (and, for presence, the member's channel_data): the auth endpoint signs only what the
     * Leadline rules allow, and an application backend holding the secret may sign its own channels.
     */
    private void subscribe(PusherConnection pusher, PusherFrame.Subscribe frame) {
        ClientSession session = pusher.session();
        PusherChannels.Channel channel = PusherChannels.classify(frame.channel());
        String name = frame.channel();
        if (channel.kind() == PusherChannels.Kind.INVALID) {
            session.sendText(PusherFrames.subscriptionError(name, "InvalidChannel", "Invalid channel name " + name, 400));
            return;
        }
        if (channel.kind().needsAuth() && !PusherSignatures.verifyChannelAuth(config.appKey().orElseThrow(),
                config.appSecret().orElseThrow(), session.socketId(), name, frame.channelData(), frame.auth())) {
            session.sendText(PusherFrames.subscriptionError(name, "AuthError",
                    "Invalid signature for socket " + session.socketId() + " and channel " + name, 401));
            return;
        }
        String key = PusherEventViews.key(name);
        if (session.isSubscribed(key)) {
            session.sendText(PusherFrames.subscriptionSucceeded(name, presenceData(pusher, name)));
            return;
        }
        if (session.channels().size() >= gateway.maxSubscriptions()) {
            session.sendText(PusherFrames.subscriptionError(name, "LimitReached",
                    "At most " + gateway.maxSubscriptions() + " channels per connection", 400));
            return;
        }
        if (channel.kind().isPresence() && !join(pusher, channel, frame.channelData())) {
            return;
        }
        session.open(key, false);
        subscriptions.add(key, session);
        session.sendText(PusherFrames.subscriptionSucceeded(name, presenceData(pusher, name)));
    }

    private boolean join(PusherConnection pusher, PusherChannels.Channel channel, String channelData) {
        ClientSession session = pusher.session();
        Member member = PresenceMembers.fromChannelData(channelData);
        if (member == null) {
            session.sendText(PusherFrames.subscriptionError(channel.name(), "AuthError",
                    "channel_data must name a user_id", 400));
            return false;
        }
        if (!connections.takeMembership(member.userId(), gateway.maxConnectionsPerUser())) {
            session.sendText(PusherFrames.subscriptionError(channel.name(), "LimitReached",
                    "User " + member.userId() + " is in " + gateway.maxConnectionsPerUser()
                            + " presence channels on this server already", 400));
            return false;
        }
        String presenceKey = PresenceMembers.keyOf(channel);
        if (!presence.join(presenceKey, session.id(), member)) {
            connections.releaseMembership(member.userId());
            session.sendText(PusherFrames.subscriptionError(channel.name(), "LimitReached",
                    "Presence channel " + channel.name() + " is full", 400));
            return false;
        }
        pusher.presenceKeys().put(channel.name(), presenceKey);
        pusher.presenceUsers().put(channel.name(), member.userId());
        return true;
    }

    /**
     * The member list a presence subscription starts from; member events up to its version are already in it,
     * so the socket is not told about them again.
     */
    private String presenceData(PusherConnection pusher, String channel) {
        String presenceKey = pusher.presenceKeys().get(channel);
        if (presenceKey == null) {
            return null;
        }
        PresenceRegistry.Snapshot snapshot = presence.snapshot(presenceKey);
        pusher.presenceVersions().put(channel, snapshot.version());
        return PresenceMembers.subscriptionData(snapshot.members());
    }

    private void unsubscribe(PusherConnection pusher, String channel) {
        ClientSession session = pusher.session();
        String key = PusherEventViews.key(channel);
        subscriptions.remove(key, session);
        session.close(key);
        String presenceKey = pusher.presenceKeys().remove(channel);
        String user = pusher.presenceUsers().remove(channel);
        pusher.presenceVersions().remove(channel);
        if (presenceKey != null) {
            presence.leave(presenceKey, session.id());
        }
        if (user != null) {
            connections.releaseMembership(user);
        }
    }

    /** A {@code client-*} event goes over the stream, so members on every instance get it; never back to its sender. */
    private void clientEvent(PusherConnection pusher, PusherFrame.ClientEvent event) {
        ClientSession session = pusher.session();
        PusherChannels.Channel channel = PusherChannels.classify(event.channel());
        if (!config.clientEvents()) {
            session.sendText(PusherFrames.error(null, "Client events are not enabled for this app"));
            return;
        }
        if (!session.isSubscribed(PusherEventViews.key(channel.name()))) {
            session.sendText(PusherFrames.error(null, "Client event rejected: not subscribed to " + channel.name()));
            return;
        }
        // a Leadline channel's events are the platform's: a client event there would reach /ws clients too
        if (!channel.kind().needsAuth() || channel.kind() == PusherChannels.Kind.PRIVATE_LEADLINE
                || channel.busChannel() == null) {
            session.sendText(PusherFrames.error(null, "Client events are not supported on " + channel.name()));
            return;
        }
        if (event.dataJson().getBytes(StandardCharsets.UTF_8).length > config.maxBodyBytes()) {
            session.sendText(PusherFrames.error(null, "Client event rejected: data over " + config.maxBodyBytes() + " bytes"));
            return;
        }
        if (!pusher.clientEvents().tryAcquire()) {
            session.sendText(PusherFrames.error(4301, "Client event rejected due to rate limit"));
            return;
        }
        JsonNode data = PusherPublisher.dataOf(event.dataJson());
        // on a presence channel receivers learn who sent it, as Pusher tells them: the member this socket joined as
        String sender = pusher.presenceUsers().get(channel.name());
        publisher.publish(List.of(new PusherPublisher.AppEvent(event.event(), channel, session.socketId(), sender, data)))
                .whenComplete((published, failure) -> {
                    if (failure != null) {
                        session.sendText(PusherFrames.error(null, "Client event not delivered; try again"));
                    }
                });
    }

    private static void refuse(WebSocketConnection connection, short code, String message) {
        connection.sendText(PusherFrames.error((int) code, message))
                .chain(() -> connection.close(new CloseReason(code, message)))
                .subscribe().with(ok -> {
                }, failure -> {
                });
    }
}
