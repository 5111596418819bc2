package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.WsTestClient;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static io.leadline.notify.pusher.PusherSockets.KEY;
import static io.leadline.notify.pusher.PusherSockets.WAIT;
import static io.leadline.notify.pusher.PusherSockets.awaitEvent;
import static io.leadline.notify.pusher.PusherSockets.join;
import static io.leadline.notify.pusher.PusherSockets.subscribe;
import static io.leadline.notify.pusher.PusherSockets.subscribePrivate;
import static org.assertj.core.api.Assertions.assertThat;

/** Weaknesses not fixed yet: these fail on the current code. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherRefusalsTest {

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

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
