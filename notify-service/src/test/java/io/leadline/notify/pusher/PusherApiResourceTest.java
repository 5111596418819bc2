package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadline.notify.TestBus;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static io.leadline.notify.pusher.PusherApiSigning.hmac;
import static io.leadline.notify.pusher.PusherApiSigning.joined;
import static io.leadline.notify.pusher.PusherApiSigning.md5;
import static io.leadline.notify.pusher.PusherApiSigning.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/**
 * Pusher's HTTP API, signed here by an implementation of its own (the documented algorithm): events land in
 * the CHANNELS stream with the contract's envelope; refused requests store nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherApiResourceTest {

    private static final String APP = "leadline";
    private static final String KEY = "leadline-key";
    private static final String SECRET = "leadline-dev-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());

    @Inject
    TestChannelDirectory directory;

    @AfterEach
    void clear() {
        directory.clear();
    }

    private static String unique(String prefix) {
        return prefix + IDS.incrementAndGet();
    }

    @Test
    void anEventReachesTheStreamOnEachChannel() throws Exception {
        String news = unique("news-");
        String user = Long.toString(IDS.incrementAndGet());
        String body = json(Map.of("name", "order-shipped", "channels",
                List.of(news, "private-user." + user, "presence-lead." + user), "data", "{\"order\":7}",
                "socket_id", "12.34"));
        post("/apps/" + APP + "/events", body, now()).statusCode(200).body(equalTo("{}"));

        for (String[] expected : new String[][] {{"ch.notify." + news, news}, {"ch.notify.user." + user, "user." + user},
                {"ch.notify.presence-lead." + user, "presence-lead." + user}}) {
            MessageInfo message = last(expected[0]);
            String text = new String(message.getData(), StandardCharsets.UTF_8);
            JsonNode envelope = JSON.readTree(text);
            assertThat(envelope.path("type").asText()).isEqualTo("order-shipped");
            assertThat(envelope.path("channel").asText()).isEqualTo(expected[1]);
            assertThat(envelope.path("socket_id").asText()).isEqualTo("12.34");
            assertThat(envelope.path("data").path("order").asInt()).isEqualTo(7);
            assertThat(message.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(envelope.path("id").asText());
            List<String> fields = new ArrayList<>();
            envelope.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("id", "type", "channel", "ts", "socket_id", "data");
        }
    }

    @Test
    void aSingleChannelAndTextData() throws Exception {
        String news = unique("news-");
        post("/apps/" + APP + "/events", json(Map.of("name", "note", "channel", news, "data", "not json")), now())
                .statusCode(200);
        JsonNode envelope = JSON.readTree(last("ch.notify." + news).getData());
        assertThat(envelope.path("data").asText()).isEqualTo("not json");
        assertThat(envelope.has("socket_id")).isFalse();
    }

    @Test
    void theDocumentedExampleShapeIsSignedAndAccepted() {
        // the body of Pusher's worked example, on a channel of this test
        String channel = unique("project-");
        String body = "{\"name\":\"foo\",\"channels\":[\"" + channel + "\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}";
        post("/apps/" + APP + "/events", body, now()).statusCode(200);
    }

    @Test
    void aBatch() throws Exception {
        String a = unique("batch-a-");
        String b = unique("batch-b-");
        String body = json(Map.of("batch", List.of(Map.of("name", "one", "channel", a, "data", "1"),
                Map.of("name", "two", "channel", b, "data", "\"two\""))));
        post("/apps/" + APP + "/batch_events", body, now()).statusCode(200);
        assertThat(JSON.readTree(last("ch.notify." + a).getData()).path("type").asText()).isEqualTo("one");
        assertThat(JSON.readTree(last("ch.notify." + b).getData()).path("data").asText()).isEqualTo("two");

        List<Map<String, String>> eleven = new ArrayList<>();
        String c = unique("batch-c-");
        for (int i = 0; i < 11; i++) {
            eleven.add(Map.of("name", "n", "channel", c, "data", "x"));
        }
        error(post("/apps/" + APP + "/batch_events", json(Map.of("batch", eleven)), now()), 400, "batch");
        String d = unique("batch-d-");
        error(post("/apps/" + APP + "/batch_events", json(Map.of("batch", List.of(Map.of("name", "n", "channel", d,
                "data", "x"), Map.of("name", "pusher:x", "channel", d, "data", "x")))), now()), 400, "name");
        assertNothingOn("ch.notify." + c);
        assertNothingOn("ch.notify." + d);
    }

    @Test
    void signatureProblemsAre401AndStoreNothing() throws Exception {
        String news = unique("news-");
        String body = json(Map.of("name", "e", "channel", news, "data", "x"));
        String path = "/apps/" + APP + "/events";
        long now = now();

        Map<String, String> query = signed("POST", path, body, now);
        query.put("auth_signature", "0".repeat(64));
        error(send(path, body, query), 401, "signature");

        error(post(path, body, now - 400), 401, "auth_timestamp");
        error(post(path, body, now + 400), 401, "auth_timestamp");

        Map<String, String> wrongMd5 = signed("POST", path, body, now);
        error(send(path, body.replace("\"x\"", "\"y\""), wrongMd5), 401, "body_md5");

        Map<String, String> foreignKey = new TreeMap<>(signed("POST", path, body, now));
        foreignKey.put("auth_key", "someone-else");
        error(send(path, body, foreignKey), 401, "auth_key");

        Map<String, String> foreignSecret = new TreeMap<>();
        foreignSecret.put("auth_key", KEY);
        foreignSecret.put("auth_timestamp", Long.toString(now));
        foreignSecret.put("auth_version", "1.0");
        foreignSecret.put("body_md5", md5(body));
        foreignSecret.put("auth_signature", hmac("another-secret", "POST\n" + path + "\n" + joined(foreignSecret)));
        error(send(path, body, foreignSecret), 401, "signature");

        error(given().contentType("application/json").body(body).post(path).then(), 401, "auth_signature");
        assertNothingOn("ch.notify." + news);
    }

    @Test
    void unknownAppTooLargeAndMalformed() throws Exception {
        String news = unique("news-");
        error(post("/apps/someone-else/events", json(Map.of("name", "e", "channel", news, "data", "x")), now()),
                404, "unknown app");
        error(post("/apps/" + APP + "/events", json(Map.of("name", "e", "channel", news, "data", "x".repeat(10241))),
                now()), 413, "data");
        post("/apps/" + APP + "/events", json(Map.of("name", "e", "channel", news, "data", "x".repeat(10240))), now())
                .statusCode(200);
        String other = unique("news-");
        error(post("/apps/" + APP + "/events", "{\"name\":\"e\",\"channel\":\"" + other + "\",\"data\":\""
                + "x".repeat(300_000) + "\"}", now()), 413, "body");
        error(post("/apps/" + APP + "/events", "{\"name\":", now()), 400, "JSON");
        error(post("/apps/" + APP + "/events", json(Map.of("name", "e", "channel", other, "data", Map.of("a", 1))),
                now()), 400, "data");
        error(post("/apps/" + APP + "/events", json(Map.of("name", "lead_created", "channel", other, "data", "x")),
                now()), 400, "reserved");
        error(post("/apps/" + APP + "/events", json(Map.of("name", "e", "channel", "private-" + "x".repeat(200), "data", "x")),
                now()), 400, "channel");
        error(post("/apps/" + APP + "/events", json(Map.of("name", "e", "channel", "bad name", "data", "x")),
                now()), 400, "channel");
        error(post("/apps/" + APP + "/events", json(Map.of("name", "e", "channel", other, "data", "x",
                "socket_id", "nope")), now()), 400, "socket_id");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(other + "-" + i);
        }
        error(post("/apps/" + APP + "/events", json(Map.of("name", "e", "channels", many, "data", "x")), now()),
                400, "channels");
        assertNothingOn("ch.notify." + other);
    }

    @Test
    void channelQueries() {
        String room = unique("presence-lead.");
        String news = unique("news-");
        directory.occupy(room, 3, List.of("7", "8"));
        directory.occupy(news, 2, List.of());

        get("/apps/" + APP + "/channels", Map.of()).statusCode(200)
                .body("channels." + quoted(room) + ".size()", equalTo(0)).body("channels." + quoted(news) + ".size()", equalTo(0));
        get("/apps/" + APP + "/channels", Map.of("filter_by_prefix", "presence-", "info", "user_count")).statusCode(200)
                .body("channels." + quoted(room) + ".user_count", equalTo(2))
                .body("channels.size()", equalTo(1));
        error(get("/apps/" + APP + "/channels", Map.of("info", "user_count")), 400, "presence");

        get("/apps/" + APP + "/channels/" + room, Map.of("info", "user_count,subscription_count")).statusCode(200)
                .body("occupied", equalTo(true)).body("user_count", equalTo(2)).body("subscription_count", equalTo(3));
        get("/apps/" + APP + "/channels/" + news, Map.of("info", "subscription_count")).statusCode(200)
                .body("occupied", equalTo(true)).body("subscription_count", equalTo(2));
        get("/apps/" + APP + "/channels/empty-one", Map.of()).statusCode(200).body("occupied", equalTo(false));
        error(get("/apps/" + APP + "/channels/" + news, Map.of("info", "user_count")), 400, "presence");

        get("/apps/" + APP + "/channels/" + room + "/users", Map.of()).statusCode(200)
                .body("users.id", org.hamcrest.Matchers.contains("7", "8"));
        error(get("/apps/" + APP + "/channels/" + news + "/users", Map.of()), 400, "presence");

        Map<String, String> query = signed("GET", "/apps/" + APP + "/channels", null, now());
        query.put("auth_signature", "f".repeat(64));
        error(given().queryParams(query).get("/apps/" + APP + "/channels").then(), 401, "signature");
        error(get("/apps/other/channels", Map.of()), 404, "unknown app");
    }

    private static String quoted(String name) {
        return "'" + name + "'";
    }

    // --- an implementation of Pusher's request signing of its own -------------------------------------

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static ValidatableResponse post(String path, String body, long timestamp) {
        return send(path, body, signed("POST", path, body, timestamp));
    }

    private static ValidatableResponse send(String path, String body, Map<String, String> query) {
        RequestSpecification request = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        return request.queryParams(query).post(path).then();
    }

    private static ValidatableResponse get(String path, Map<String, String> parameters) {
        Map<String, String> query = new TreeMap<>(parameters);
        query.put("auth_key", KEY);
        query.put("auth_timestamp", Long.toString(now()));
        query.put("auth_version", "1.0");
        query.put("auth_signature", hmac(SECRET, "GET\n" + path + "\n" + joined(query)));
        return given().queryParams(query).get(path).then();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ValidatableResponse error(ValidatableResponse response, int status, String mentioned) {
        return response.statusCode(status).contentType("application/json")
                .body("error", org.hamcrest.Matchers.containsString(mentioned));
    }

    // --- the stream ---------------------------------------------------------------------------------

    private static JetStreamManagement management() throws Exception {
        return TestBus.as(NatsIdentity.PROVISIONER).jetStreamManagement();
    }

    /** The request completed only after the stream acknowledged: the message is there now, no waiting. */
    private static MessageInfo last(String subject) throws Exception {
        return management().getLastMessage("CHANNELS", subject);
    }

    private static void assertNothingOn(String subject) {
        assertThatThrownBy(() -> last(subject)).isInstanceOf(JetStreamApiException.class);
    }
}
