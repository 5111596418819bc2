package io.leadline.notify.pusher;

import io.leadline.notify.WsTestClient;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static io.leadline.notify.pusher.PusherApiSigning.hmac;
import static io.leadline.notify.pusher.PusherApiSigning.joined;
import static io.leadline.notify.pusher.PusherApiSigning.signed;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTP API weaknesses not fixed yet: these fail on the current code. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherApiRefusalsTest {

    private static final String KEY = "leadline-key";
    private static final String SECRET = "leadline-dev-secret";

    @TestHTTPResource("/ws")
    URI ws;

    /** An app event named like a /ws control frame would look like one to /ws clients: refused. */
    @Test
    void anAppEventCannotImpersonateAWsControlFrame() throws Exception {
        String lead = String.valueOf(970_000 + System.nanoTime() % 10_000);
        try (WsTestClient victim = WsTestClient.withHeader(ws, TestTokens.token(lead + "1", "provider"))) {
            victim.awaitType("connected", Duration.ofSeconds(30));
            victim.send(Map.of("type", "subscribe", "channel", "lead." + lead, "id", "w"));
            victim.awaitType("subscribed", Duration.ofSeconds(30));
            String path = "/apps/leadline/events";
            String body = "{\"name\":\"member_left\",\"channel\":\"private-lead." + lead
                    + "\",\"data\":\"{\\\"user_id\\\":\\\"1\\\"}\"}";
            int status = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                    .queryParams(signed("POST", path, body, Instant.now().getEpochSecond())).post(path).then().extract()
                    .statusCode();
            assertThat(status).isEqualTo(400);
            victim.send(Map.of("type", "ping", "id", "p"));
            victim.awaitType("pong", Duration.ofSeconds(30));
            assertThat(victim.seen()).as("API answered " + status)
                    .noneMatch(frame -> frame.contains("\"type\":\"member_left\""));
        }
    }

    /** Values are signed decoded and unescaped: a=1&b=2 and a=1%26b%3D2 have one signature. */
    @Test
    void aSignatureDoesNotCoverARegroupedQuery() {
        String path = "/apps/leadline/channels";
        Map<String, String> query = new TreeMap<>();
        query.put("auth_key", KEY);
        query.put("auth_timestamp", Long.toString(Instant.now().getEpochSecond()));
        query.put("auth_version", "1.0");
        query.put("filter_by_prefix", "presence-");
        query.put("info", "user_count");
        String signature = hmac(SECRET, "GET\n" + path + "\n" + joined(query));
        String tampered = "auth_key=" + KEY + "&auth_timestamp=" + query.get("auth_timestamp") + "&auth_version=1.0"
                + "&filter_by_prefix=presence-%26info%3Duser_count&auth_signature=" + signature;
        int status = given().urlEncodingEnabled(false).get(path + "?" + tampered).then().extract().statusCode();
        assertThat(status).isEqualTo(401);
    }
}
