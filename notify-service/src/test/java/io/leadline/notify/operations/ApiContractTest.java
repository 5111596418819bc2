package io.leadline.notify.operations;

import io.leadline.notify.pusher.PusherApiSigning;
import io.leadline.notify.pusher.TestChannelDirectory;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.leadline.testing.openapi.OpenApiContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Every operation of the served {@code /q/openapi}, called for real: each request the service takes and
 * each answer, failures included, must be what the document says ({@link OpenApiContract}), and an
 * operation nobody calls here fails the test.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class ApiContractTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String APP = "/apps/leadline";
    private static final AtomicLong USERS = new AtomicLong(System.currentTimeMillis() * 1000 + 500);

    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    @Inject
    TestChannelDirectory directory;

    @Test
    void everyOperationAnswersAsTheServedDocumentSays() throws Exception {
        OpenApiContract contract = OpenApiContract.served(managementRoot.resolve("/"));
        try {
            contract.holdDuring(() -> {
                notifications();
                ticketsAndConfig();
                broadcastingAuth();
                pusherApi();
            });
        } finally {
            directory.clear();
        }
        contract.assertEveryOperationExercised();
        contract.assertAnswered("GET", "/api/notifications", 400);
        contract.assertAnswered("POST", "/api/notifications", 400);
        contract.assertAnswered("POST", "/broadcasting/auth", 400);
        contract.assertAnswered("POST", APP.replace("leadline", "{app_id}") + "/events", 400);
    }

    private void notifications() {
        String user = Long.toString(USERS.incrementAndGet());
        String token = TestTokens.token(user, "provider");
        String admin = TestTokens.token(Long.toString(USERS.incrementAndGet()), "admin");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("user_id", user, "title", "Welcome", "message", "Your account is ready",
                        "priority", "high"))
                .post("/api/notifications")
                .then().statusCode(202).body("recipients", equalTo(1));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("user_id", user, "title", "Welcome", "message", "Hi", "priority", "loud"))
                .post("/api/notifications")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("priority"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("user_id", user, "title", "t", "message", "m"))
                .post("/api/notifications").then().statusCode(403).contentType(PROBLEM);

        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token)
                .get("/api/notifications/unread-count")
                .then().statusCode(200).extract().jsonPath().getLong("unread_count") == 1);
        long id = given().auth().oauth2(token)
                .queryParam("page", "0").queryParam("size", "10").queryParam("unread", "true")
                .get("/api/notifications")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].title", equalTo("Welcome"))
                .body("items[0].priority", equalTo("high"))
                .extract().jsonPath().getLong("items[0].id");
        given().auth().oauth2(token).queryParam("unread", "maybe").get("/api/notifications")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("unread"));
        given().auth().oauth2(token).get("/api/notifications/{id}", id)
                .then().statusCode(200).body("read", equalTo(false)).body("type", equalTo("notification_message"));
        given().auth().oauth2(token).get("/api/notifications/{id}", "no-such-id")
                .then().statusCode(404).contentType(PROBLEM);
        given().auth().oauth2(token).post("/api/notifications/{id}/read", id)
                .then().statusCode(200).body("notification_ids", equalTo(List.of((int) id)))
                .body("unread_count", equalTo(0));
        given().auth().oauth2(token).post("/api/notifications/read-all")
                .then().statusCode(200).body("all", equalTo(true));
        given().auth().oauth2(token).delete("/api/notifications").then().statusCode(204);
        given().get("/api/notifications").then().statusCode(401).contentType(PROBLEM);
    }

    private void ticketsAndConfig() {
        given().auth().oauth2(TestTokens.token(Long.toString(USERS.incrementAndGet()), "customer"))
                .post("/api/ws-tickets").then().statusCode(201).header("Cache-Control", "no-store");
        given().post("/api/ws-tickets").then().statusCode(401).contentType(PROBLEM);
        given().get("/config.json").then().statusCode(200);
    }

    private void broadcastingAuth() {
        String user = Long.toString(USERS.incrementAndGet());
        String token = TestTokens.token(user, "provider");
        String channel = "private-user." + user;
        for (String path : new String[] {"/broadcasting/auth", "/api/broadcasting/auth"}) {
            given().auth().oauth2(token).formParam("socket_id", "1234.5678").formParam("channel_name", channel)
                    .post(path).then().statusCode(200);
            given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("socket_id", "1234.5678", "channel_name", "presence-lead.77"))
                    .post(path).then().statusCode(200);
            given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("socket_id", "nonsense", "channel_name", channel))
                    .post(path).then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("socket_id"));
        }
        given().auth().oauth2(token).formParam("socket_id", "1234.5678").formParam("channel_name", "private-user.1")
                .post("/broadcasting/auth").then().statusCode(403).contentType(PROBLEM);
    }

    private void pusherApi() {
        String room = "presence-lead." + USERS.incrementAndGet();
        String news = "news-" + USERS.incrementAndGet();
        directory.occupy(room, 2, List.of("7", "8"));
        post("/events", "{\"name\":\"order-shipped\",\"channels\":[\"" + news + "\"],\"data\":\"{\\\"order\\\":7}\"}")
                .statusCode(200);
        post("/events", "{\"name\":\"order-shipped\",\"data\":\"x\"}").statusCode(400).body("error", equalTo(
                "give either channels (an array) or channel (a string)"));
        post("/batch_events", "{\"batch\":[{\"name\":\"one\",\"channel\":\"" + news + "\",\"data\":\"1\"}]}")
                .statusCode(200).body("batch.size()", equalTo(1));
        get("/channels", Map.of("filter_by_prefix", "presence-", "info", "user_count"))
                .statusCode(200).body("channels.'" + room + "'.user_count", equalTo(2));
        get("/channels/" + room, Map.of("info", "user_count,subscription_count"))
                .statusCode(200).body("occupied", equalTo(true)).body("subscription_count", equalTo(2));
        get("/channels/" + room + "/users", Map.of()).statusCode(200).body("users.id", equalTo(List.of("7", "8")));
        get("/channels/" + news + "/users", Map.of()).statusCode(400);
    }

    private static ValidatableResponse post(String path, String body) {
        Map<String, String> query = PusherApiSigning.signed("POST", APP + path, body, Instant.now().getEpochSecond());
        return given().contentType(ContentType.JSON).body(body.getBytes(StandardCharsets.UTF_8)).queryParams(query)
                .post(APP + path).then();
    }

    private static ValidatableResponse get(String path, Map<String, String> parameters) {
        Map<String, String> query = new TreeMap<>(parameters);
        query.put("auth_key", "leadline-key");
        query.put("auth_timestamp", Long.toString(Instant.now().getEpochSecond()));
        query.put("auth_version", "1.0");
        query.put("auth_signature", PusherApiSigning.hmac("leadline-dev-secret",
                "GET\n" + APP + path + "\n" + PusherApiSigning.joined(query)));
        return given().queryParams(query).get(APP + path).then();
    }
}
