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

/** What a hostile Pusher client tries against the socket and the auth endpoint, and is refused. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherHostileClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "leadline-key";
    private static final String SECRET = "leadline-dev-secret";
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
