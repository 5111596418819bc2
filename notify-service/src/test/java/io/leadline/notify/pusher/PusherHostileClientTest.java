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
import static io.leadline.notify.pusher.PusherSockets.subscribePrivate;
import static org.assertj.core.api.Assertions.assertThat;

/** What a hostile Pusher client tries against the socket and the auth endpoint, and is refused. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherHostileClientTest {

    private static final AtomicInteger USERS = new AtomicInteger(830_000 + (int) (System.nanoTime() % 10_000) * 10);

    @TestHTTPResource("/app/" + KEY + "?protocol=7")
    URI app;

    /** 4,000 three-byte characters are 12,000 bytes: over the 10 KB limit although under 10,240 characters. */
    @Test
    void clientEventDataIsMeasuredInBytes() throws Exception {
        try (WsTestClient attacker = WsTestClient.anonymous(app); WsTestClient peer = WsTestClient.anonymous(app)) {
            subscribePrivate(attacker, "private-room");
            subscribePrivate(peer, "private-room");
            attacker.send(Map.of("event", "client-big", "channel", "private-room", "data", "\u20ac".repeat(4000)));
            JsonNode error = attacker.await(f -> "pusher:error".equals(f.path("event").asText()), WAIT);
            assertThat(error.path("data").path("message").asText()).contains("over");
        }
    }

    /** Client faults on the auth endpoint are 4xx, never 500. */
    @Test
    void authEndpointRefusesMalformedRequestsWithClientErrors() {
        String token = TestTokens.token(nextUser(), "provider");
        for (String path : new String[] {"/broadcasting/auth", "/api/broadcasting/auth"}) {
            int plain = given().auth().oauth2(token).contentType("text/plain").body("socket_id=1.1&channel_name=private-leads")
                    .post(path).then().extract().statusCode();
            int broken = given().auth().oauth2(token).contentType("application/json").body("{\"socket_id\":")
                    .post(path).then().extract().statusCode();
            int array = given().auth().oauth2(token).contentType("application/json").body("[]")
                    .post(path).then().extract().statusCode();
            int none = given().auth().oauth2(token).post(path).then().extract().statusCode();
            int longName = given().auth().oauth2(token).formParam("socket_id", "1.1")
                    .formParam("channel_name", "private-" + "a".repeat(5000)).post(path).then().extract().statusCode();
            assertThat(java.util.List.of(plain, broken, array, none, longName)).as(path)
                    .allMatch(s -> s >= 400 && s < 500);
        }
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
