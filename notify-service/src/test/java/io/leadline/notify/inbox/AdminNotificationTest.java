package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.TestDatabase;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.leadline.notify.inbox.InboxFixtures.awaitInbox;
import static io.leadline.notify.inbox.InboxFixtures.newUser;
import static io.leadline.notify.inbox.InboxFixtures.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Admins send notifications to a user or a role; leads-service is played by a responder on the test's NATS. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class AdminNotificationTest {

    @Inject
    Connection nats;

    /** The users the fake leads-service lists per role; a role missing here gets no answer at all. */
    private final Map<String, List<String>> directory = new ConcurrentHashMap<>();
    private Dispatcher leadsService;
    private final String admin = newUser("admin");

    @BeforeEach
    void startDirectory() {
        Connection leads = TestBus.as(NatsIdentity.LEADS);
        leadsService = leads.createDispatcher(request -> {
            String role = JsonCodec.decode(request.getData(), UsersByRoleRequest.class).role();
            List<String> users = directory.get(role);
            if (users != null) {
                leads.publish(request.getReplyTo(), JsonCodec.encode(new UsersByRoleReply(users)));
            }
        });
        leadsService.subscribe(LeadsSubjects.USERS_BY_ROLE);
    }

    @AfterEach
    void stopDirectory() {
        TestBus.as(NatsIdentity.LEADS).closeDispatcher(leadsService);
    }

    @Test
    void adminSendsToOneUser() {
        String user = newUser("to-user");
        send(Map.of("user_id", user, "title", "Welcome", "message", "Your account is ready", "priority", "high"))
                .statusCode(202).body("recipients", equalTo(1));

        JsonNode item = awaitInbox(token(user), items -> !items.isEmpty()).get(0);
        assertThat(item.path("type").asText()).isEqualTo("notification_message");
        assertThat(item.path("title").asText()).isEqualTo("Welcome");
        assertThat(item.path("message").asText()).isEqualTo("Your account is ready");
        assertThat(item.path("priority").asText()).isEqualTo("high");
        assertThat(item.path("data").path("sender").asText()).isEqualTo("user-" + admin);
    }

    @Test
    void adminSendsToEveryUserOfARole() {
        String first = newUser("pm");
        String second = newUser("pm");
        directory.put("property_manager", List.of(first, second));

        send(Map.of("role", "property_manager", "title", "New rules", "message", "Read them"))
                .statusCode(202).body("recipients", equalTo(2));

        for (String user : List.of(first, second)) {
            JsonNode item = awaitInbox(token(user), items -> !items.isEmpty()).get(0);
            assertThat(item.path("title").asText()).isEqualTo("New rules");
            assertThat(item.path("priority").asText()).isEqualTo("normal");
        }
    }

    @Test
    void aRoleWithoutUsersReachesNobody() {
        directory.put("customer", List.of());
        long before = outboxRows();
        send(Map.of("role", "customer", "title", "Hi", "message", "nobody there")).statusCode(202)
                .body("recipients", equalTo(0));
        assertThat(outboxRows()).isEqualTo(before);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsSent() {
        String user = newUser("never");
        long before = outboxRows();
        Map<String, Object> valid = Map.of("user_id", user, "title", "T", "message", "M", "priority", "low");

        expectInvalid(with(valid, "role", "provider"), "user_id"); // both targets
        expectInvalid(without(valid, "user_id"), "user_id"); // no target
        expectInvalid(with(valid, "user_id", "not a valid id"), "user_id");
        expectInvalid(with(without(valid, "user_id"), "role", "wizard"), "role");
        expectInvalid(with(valid, "priority", "critical"), "priority");
        expectInvalid(with(valid, "title", " "), "title");
        expectInvalid(with(valid, "title", "x".repeat(201)), "title");
        expectInvalid(without(valid, "message"), "message");
        expectInvalid(with(valid, "message", "y".repeat(2001)), "message");
        expectInvalid(with(valid, "title", Map.of("text", "T")), "title"); // wrong type
        given().auth().oauth2(TestTokens.token(admin, "admin")).contentType(ContentType.JSON).body("{\"title\":")
                .post("/api/notifications").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.token(admin, "admin")).contentType(ContentType.JSON)
                .post("/api/notifications").then().statusCode(400).contentType("application/problem+json");

        assertThat(outboxRows()).isEqualTo(before);
    }

    @Test
    void anUnansweredDirectoryIsA503AndNothingIsSent() {
        long before = outboxRows(); // nobody answers for "admin" here
        send(Map.of("role", "admin", "title", "Hi", "message", "anyone?")).statusCode(503)
                .contentType("application/problem+json");
        assertThat(outboxRows()).isEqualTo(before);
    }

    @Test
    void onlyAdminsMaySend() {
        Map<String, Object> body = Map.of("user_id", newUser("target"), "title", "T", "message", "M");
        long before = outboxRows();
        given().auth().oauth2(TestTokens.token(newUser("provider"), "provider")).contentType(ContentType.JSON)
                .body(body).post("/api/notifications").then().statusCode(403).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(body).post("/api/notifications").then().statusCode(401);
        given().auth().oauth2(TestTokens.token("admin-1", "admin")).contentType(ContentType.JSON)
                .body(body).post("/api/notifications").then().statusCode(401);
        assertThat(outboxRows()).isEqualTo(before);
    }

    private ValidatableResponse send(Map<String, ?> body) {
        return given().auth().oauth2(TestTokens.token(admin, "admin")).contentType(ContentType.JSON).body(body)
                .post("/api/notifications").then();
    }

    private void expectInvalid(Map<String, Object> body, String field) {
        send(body).statusCode(400).contentType("application/problem+json").body("errors.field", hasItem(field));
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> body, String field) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.remove(field);
        return copy;
    }

    private long outboxRows() {
        try (var connection = TestDatabase.connect();
                var statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM outbox")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
