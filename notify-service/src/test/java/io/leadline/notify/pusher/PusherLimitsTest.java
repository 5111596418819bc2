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

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One account, many Pusher sockets: /ws holds a user to max-connections-per-user (10 in tests), so the
 * presence entries and client events one account can create are bounded; the Pusher endpoint must not
 * lift that bound.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "leadline-key";

    @TestHTTPResource("/app/" + KEY + "?protocol=7")
    URI app;

    @Test
    void oneAccountCannotHoldMorePresenceSocketsThanItsConnectionLimit() throws Exception {
        String user = String.valueOf(940_000 + System.nanoTime() % 10_000);
        String token = TestTokens.token(user, "provider");
        List<WsTestClient> sockets = new ArrayList<>();
        int joined = 0;
        try {
            for (int i = 0; i < 15; i++) {
                WsTestClient socket = WsTestClient.anonymous(app);
                sockets.add(socket);
                JsonNode frame = socket.await(f -> "pusher:connection_established".equals(f.path("event").asText())
                        || "pusher:error".equals(f.path("event").asText()), WAIT);
                if (!"pusher:connection_established".equals(frame.path("event").asText())) {
                    continue;
                }
                String socketId = JsonCodec.mapper().readTree(frame.path("data").asText()).path("socket_id").asText();
                String channel = "presence-lead.88" + user + i; // a lead id nobody checks exists
                JsonNode auth = JsonCodec.mapper().readTree(given().auth().oauth2(token)
                        .formParam("socket_id", socketId).formParam("channel_name", channel)
                        .post("/broadcasting/auth").then().extract().asString());
                if (!auth.has("auth")) {
                    continue;
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("channel", channel);
                data.put("auth", auth.path("auth").asText());
                data.put("channel_data", auth.path("channel_data").asText());
                socket.send(Map.of("event", "pusher:subscribe", "data", data));
                JsonNode answer = socket.await(f -> channel.equals(f.path("channel").asText()), WAIT);
                if ("pusher_internal:subscription_succeeded".equals(answer.path("event").asText())) {
                    joined++;
                }
            }
        } finally {
            sockets.forEach(WsTestClient::close);
        }
        assertThat(joined).as("presence sockets one account holds").isLessThanOrEqualTo(10);
    }
}
