package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.leads.LeadDistributed;
import io.leadline.shared.event.leads.LeadScore;
import io.leadline.shared.event.leads.ReadyNotification;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.leadline.notify.pusher.PusherSockets.KEY;
import static io.leadline.notify.pusher.PusherSockets.WAIT;
import static io.leadline.notify.pusher.PusherSockets.awaitEvent;
import static io.leadline.notify.pusher.PusherSockets.established;
import static io.leadline.notify.pusher.PusherSockets.join;
import static io.leadline.notify.pusher.PusherSockets.sign;
import static io.leadline.notify.pusher.PusherSockets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Pusher endpoint with a plain WebSocket client speaking protocol 7 by hand: what pusher-js sends and
 * expects, and what a client that forges or borrows an auth string gets. Auth strings are signed here
 * with the test app secret, independently of the server's code.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherSocketTest {

    private static final AtomicInteger USERS = new AtomicInteger(720_000 + (int) (System.nanoTime() % 10_000) * 10);

    @TestHTTPResource("/app/" + KEY + "?protocol=7&client=js&version=8.6.0")
    URI app;

    @TestHTTPResource("/app/not-our-key?protocol=7")
    URI foreignApp;

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void connectionIsEstablishedWithASocketIdAndTheActivityTimeout() throws Exception {
        try (WsTestClient socket = WsTestClient.anonymous(app)) {
            JsonNode data = established(socket);
            assertThat(data.path("socket_id").asText()).matches("\\d+\\.\\d+");
            assertThat(data.path("activity_timeout").asInt()).isEqualTo(120);

            socket.send(Map.of("event", "pusher:ping", "data", Map.of()));
            socket.await(frame -> "pusher:pong".equals(frame.path("event").asText()), WAIT);
        }
    }

    @Test
    void anUnknownAppKeyIsRefusedWith4001() {
        try (WsTestClient socket = WsTestClient.anonymous(foreignApp)) {
            JsonNode error = socket.await(frame -> "pusher:error".equals(frame.path("event").asText()), WAIT);
            assertThat(error.path("data").path("code").asInt()).isEqualTo(4001);
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4001);
        }
    }

    @Test
    void aSignedPrivateChannelReceivesLeadlineEventsUnderTheirType() throws Exception {
        String user = nextUser();
        try (WsTestClient socket = WsTestClient.anonymous(app)) {
            String socketId = established(socket).path("socket_id").asText();
            String channel = "private-user." + user;
            subscribe(socket, channel, sign(socketId + ":" + channel), null);
            awaitEvent(socket, "pusher_internal:subscription_succeeded", channel);

            publish(Channels.user(user), new NotificationMessage("Hello", "for the app", "normal", "admin"));

            JsonNode event = awaitEvent(socket, "notification_message", channel);
            JsonNode data = JsonCodec.mapper().readTree(event.path("data").asText());
            assertThat(data.path("message").asText()).isEqualTo("for the app");
        }
    }

    @Test
    void aDistributedLeadReachesThePropertyManagerChannelAsTheAppNamesIt() throws Exception {
        String user = nextUser();
        try (WsTestClient socket = WsTestClient.anonymous(app)) {
            String socketId = established(socket).path("socket_id").asText();
            String channel = "private-property-manager." + user;
            subscribe(socket, channel, sign(socketId + ":" + channel), null);
            awaitEvent(socket, "pusher_internal:subscription_succeeded", channel);

            LeadCreated lead = new LeadCreated("lead-pm-" + user, "Roof repair", "Leaking roof", "roofing", "Austin", "TX",
                    "high", "residential", 4, 25, 3, Instant.now());
            publish(Channels.user(user), new LeadDistributed(lead, new LeadScore(87, "hot", new LeadScore.Badge("Hot", "red", "high"), java.util.List.of("matches the area")),
                    new ReadyNotification("New lead", "Roof repair in Austin", "high")));

            JsonNode event = awaitEvent(socket, "lead.distributed", channel);
            JsonNode data = JsonCodec.mapper().readTree(event.path("data").asText());
            assertThat(data.path("lead").path("id").asText()).isEqualTo("lead-pm-" + user);
            assertThat(data.has("score")).isTrue();
            assertThat(data.has("notification")).isTrue();
        }
    }

    @Test
    void aForgedOrBorrowedSignatureIsRefusedAndNothingIsDelivered() throws Exception {
        String user = nextUser();
        try (WsTestClient victim = WsTestClient.anonymous(app); WsTestClient thief = WsTestClient.anonymous(app)) {
            String victimSocket = established(victim).path("socket_id").asText();
            String thiefSocket = established(thief).path("socket_id").asText();
            String channel = "private-user." + user;

            subscribe(thief, channel, KEY + ":" + "0".repeat(64), null);
            JsonNode forged = awaitEvent(thief, "pusher:subscription_error", channel);
            assertThat(forged.path("data").path("status").asInt()).isEqualTo(401);

            // an auth string made for another socket does not open the channel on this one
            subscribe(thief, channel, sign(victimSocket + ":" + channel), null);
            awaitEvent(thief, "pusher:subscription_error", channel);

            subscribe(victim, channel, sign(victimSocket + ":" + channel), null);
            awaitEvent(victim, "pusher_internal:subscription_succeeded", channel);
            publish(Channels.user(user), new NotificationMessage("Secret", "victim only", "normal", "admin"));
            awaitEvent(victim, "notification_message", channel);
            thief.send(Map.of("event", "pusher:ping", "data", Map.of()));
            thief.await(frame -> "pusher:pong".equals(frame.path("event").asText()), WAIT);
            assertThat(thief.seen()).noneMatch(frame -> frame.contains("victim only"));
            assertThat(thiefSocket).isNotEqualTo(victimSocket);
        }
    }

    @Test
    void presenceIsSharedWithWsAndClientEventsReachOnlyTheOtherMembers() throws Exception {
        String lead = "p" + nextUser();
        String channel = "presence-lead." + lead;
        String ann = nextUser();
        String bob = nextUser();
        String carol = nextUser();
        try (WsTestClient annSocket = WsTestClient.anonymous(app); WsTestClient bobSocket = WsTestClient.anonymous(app);
                WsTestClient carolWs = WsTestClient.withHeader(ws, TestTokens.token(carol, "property_manager"))) {
            carolWs.awaitType("connected", WAIT);
            carolWs.send(Map.of("type", "subscribe", "channel", "lead." + lead, "id", "watch"));
            JsonNode watching = carolWs.awaitType("subscribed", WAIT);
            assertThat(watching.path("members")).hasSize(1);

            join(annSocket, channel, ann);
            JsonNode annJoined = carolWs.awaitType("member_joined", WAIT);
            assertThat(annJoined.path("member").path("user_id").asText()).isEqualTo(ann);

            JsonNode bobView = join(bobSocket, channel, bob);
            JsonNode presence = JsonCodec.mapper().readTree(bobView.path("data").asText()).path("presence");
            assertThat(presence.path("count").asInt()).isEqualTo(3);
            assertThat(presence.path("hash").has(ann)).isTrue();
            assertThat(presence.path("hash").has(carol)).isTrue();
            JsonNode added = awaitEvent(annSocket, "pusher_internal:member_added", channel);
            assertThat(JsonCodec.mapper().readTree(added.path("data").asText()).path("user_id").asText()).isEqualTo(bob);

            bobSocket.send(Map.of("event", "client-typing", "channel", channel, "data", Map.of("who", bob)));
            JsonNode whisper = awaitEvent(annSocket, "client-typing", channel);
            assertThat(JsonCodec.mapper().readTree(whisper.path("data").asText()).path("who").asText()).isEqualTo(bob);

            bobSocket.close();
            JsonNode removed = awaitEvent(annSocket, "pusher_internal:member_removed", channel);
            assertThat(JsonCodec.mapper().readTree(removed.path("data").asText()).path("user_id").asText()).isEqualTo(bob);
            assertThat(carolWs.awaitType("member_left", WAIT).path("member").path("user_id").asText()).isEqualTo(bob);
            assertThat(bobSocket.seen()).noneMatch(frame -> frame.contains("client-typing"));
        }
    }

    private static void publish(String channel, io.leadline.shared.event.Event event) throws Exception {
        EventEnvelope<?> envelope = EventEnvelope.of(channel, event);
        TestBus.publish(envelope, envelope.id());
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
