package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Weaknesses not fixed yet: these fail on the current code. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherRefusalsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "leadline-key";
    private static final String SECRET = "leadline-dev-secret";
    private static final AtomicInteger USERS = new AtomicInteger(830_000 + (int) (System.nanoTime() % 10_000) * 10);

    @TestHTTPResource("/app/" + KEY + "?protocol=7")
    URI app;

    @TestHTTPResource("/ws")
    URI ws;

    /** Pusher: a client event on a presence channel carries the sender's user_id, so it cannot be spoofed. */
    @Test
    void clientEventOnPresenceCarriesTheSendersUserId() throws Exception {
        String channel = "presence-lead.9" + nextUser();
        String ann = nextUser();
        String bob = nextUser();
        try (WsTestClient annSocket = WsTestClient.anonymous(app); WsTestClient bobSocket = WsTestClient.anonymous(app)) {
            join(annSocket, channel, ann);
            join(bobSocket, channel, bob);
            bobSocket.send(Map.of("event", "client-typing", "channel", channel, "data", Map.of("who", ann)));
            JsonNode whisper = awaitEvent(annSocket, "client-typing", channel);
            assertThat(whisper.path("user_id").asText()).isEqualTo(bob);
        }
    }

    /** A client event on a Leadline channel would land in the feed of its /ws clients: refused. */
    @Test
    void clientEventOnALeadlineChannelDoesNotReachWsClients() throws Exception {
        try (WsTestClient attacker = WsTestClient.anonymous(app); WsTestClient peer = WsTestClient.anonymous(app);
                WsTestClient victim = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "property_manager"))) {
            victim.awaitType("connected", WAIT);
            victim.send(Map.of("type", "subscribe", "channel", "leads", "id", "feed"));
            victim.awaitType("subscribed", WAIT);
            subscribePrivate(attacker, "private-leads");
            subscribePrivate(peer, "private-leads");

            attacker.send(Map.of("event", "client-spoofed", "channel", "private-leads",
                    "data", Map.of("lead", Map.of("id", "fake"))));
            JsonNode refused = attacker.await(f -> "pusher:error".equals(f.path("event").asText()), WAIT);
            assertThat(refused.path("data").path("message").asText()).contains("not supported");
            victim.send(Map.of("type", "ping", "id", "p"));
            victim.awaitType("pong", WAIT); // every frame received before the pong is now in seen()
            assertThat(victim.seen()).noneMatch(frame -> frame.contains("client-spoofed"));
        }
    }

    /** A form naming socket_id twice is ambiguous: the server signs one of them silently. */
    @Test
    void aDuplicatedFormFieldIsRefused() {
        String token = TestTokens.token(nextUser(), "provider");
        given().auth().oauth2(token).formParam("socket_id", "1.1").formParam("socket_id", "2.2")
                .formParam("channel_name", "private-leads").post("/broadcasting/auth").then().statusCode(400);
    }

    private void join(WsTestClient socket, String channel, String user) throws Exception {
        String socketId = established(socket).path("socket_id").asText();
        String channelData = "{\"user_id\":\"" + user + "\",\"user_info\":{\"name\":\"user " + user + "\"}}";
        subscribe(socket, channel, sign(socketId + ":" + channel + ":" + channelData), channelData);
        awaitEvent(socket, "pusher_internal:subscription_succeeded", channel);
    }

    private void subscribePrivate(WsTestClient socket, String channel) throws Exception {
        String socketId = established(socket).path("socket_id").asText();
        subscribe(socket, channel, sign(socketId + ":" + channel), null);
        awaitEvent(socket, "pusher_internal:subscription_succeeded", channel);
    }

    private static JsonNode established(WsTestClient socket) throws Exception {
        JsonNode frame = socket.await(f -> "pusher:connection_established".equals(f.path("event").asText()), WAIT);
        return JsonCodec.mapper().readTree(frame.path("data").asText());
    }

    private static void subscribe(WsTestClient socket, String channel, String auth, String channelData) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("channel", channel);
        data.put("auth", auth);
        if (channelData != null) {
            data.put("channel_data", channelData);
        }
        socket.send(Map.of("event", "pusher:subscribe", "data", data));
    }

    private static JsonNode awaitEvent(WsTestClient socket, String event, String channel) {
        return socket.await(frame -> event.equals(frame.path("event").asText())
                && channel.equals(frame.path("channel").asText()), WAIT);
    }

    private static String sign(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return KEY + ":" + HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
