package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static io.leadline.notify.inbox.InboxFixtures.WAIT;
import static io.leadline.notify.inbox.InboxFixtures.awaitInbox;
import static io.leadline.notify.inbox.InboxFixtures.newUser;
import static io.leadline.notify.inbox.InboxFixtures.publish;
import static io.leadline.notify.inbox.InboxFixtures.token;
import static io.leadline.notify.inbox.InboxFixtures.tree;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** A user's own inbox over REST, and read state shared by every connection of that user. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class NotificationResourceTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    @Test
    void listsNewestFirstInPagesWithAnUnreadFilterAndCount() throws Exception {
        String user = newUser("list");
        String token = token(user);
        List<JsonNode> inbox = seed(user, "one", "two", "three");
        assertThat(inbox).extracting(item -> item.path("title").asText()).containsExactly("three", "two", "one");

        JsonNode first = page(token, "page=0&size=2");
        assertThat(first.path("items")).extracting(item -> item.path("title").asText()).containsExactly("three", "two");
        assertThat(first.path("total").asLong()).isEqualTo(3);
        assertThat(first.path("page").asInt()).isZero();
        assertThat(first.path("size").asInt()).isEqualTo(2);
        JsonNode second = page(token, "page=1&size=2");
        assertThat(second.path("items")).extracting(item -> item.path("title").asText()).containsExactly("one");
        assertThat(unreadCount(token)).isEqualTo(3);

        long two = inbox.get(1).path("id").asLong();
        given().auth().oauth2(token).post("/api/notifications/{id}/read", two).then().statusCode(200);

        JsonNode unread = page(token, "unread=true");
        assertThat(unread.path("items")).extracting(item -> item.path("title").asText()).containsExactly("three", "one");
        assertThat(unread.path("total").asLong()).isEqualTo(2);
        assertThat(unreadCount(token)).isEqualTo(2);
        JsonNode all = page(token, "unread=false");
        assertThat(all.path("total").asLong()).isEqualTo(3);
        assertThat(all.path("items").get(1).path("read").asBoolean()).isTrue();
        assertThat(all.path("items").get(1).path("read_at").asText()).isNotBlank();
    }

    @Test
    void pagingParametersAreBounded() {
        String token = token(newUser("bounds"));
        for (String[] bad : new String[][] {{"size", "0"}, {"size", "101"}, {"size", "x"}, {"page", "-1"},
                {"page", "abc"}, {"page", "10001"}, {"unread", "maybe"}}) {
            given().auth().oauth2(token).queryParam(bad[0], bad[1]).get("/api/notifications")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(bad[0]));
        }
    }

    @Test
    void readingOneNotificationTellsEveryConnectionOfTheUser() throws Exception {
        String user = newUser("tabs");
        String token = token(user);
        List<JsonNode> inbox = seed(user, "first", "second");
        long second = inbox.get(0).path("id").asLong();

        try (WsTestClient browser = WsTestClient.withHeader(ws, token);
                WsTestClient phone = WsTestClient.withHeader(ws, token)) {
            browser.awaitType("connected", WAIT);
            phone.awaitType("connected", WAIT);

            JsonNode result = tree(given().auth().oauth2(token).post("/api/notifications/{id}/read", second)
                    .then().statusCode(200).extract().asString());
            assertThat(result.path("notification_ids")).extracting(JsonNode::asLong).containsExactly(second);
            assertThat(result.path("unread_count").asLong()).isEqualTo(1);

            for (WsTestClient connection : List.of(browser, phone)) {
                JsonNode read = connection.awaitType("notification_read", WAIT);
                assertThat(read.path("channel").asText()).isEqualTo(Channels.user(user));
                assertThat(read.path("data").path("notification_ids")).extracting(JsonNode::asLong)
                        .containsExactly(second);
                assertThat(read.path("data").path("all").asBoolean()).isFalse();
                assertThat(read.path("data").path("unread_count").asLong()).isEqualTo(1);
            }
        }
        // reading it again changes nothing
        given().auth().oauth2(token).post("/api/notifications/{id}/read", second).then().statusCode(200)
                .body("notification_ids.size()", equalTo(0)).body("unread_count", equalTo(1));
    }

    @Test
    void readAllMarksEverythingReadAndTellsTheConnections() throws Exception {
        String user = newUser("all");
        String token = token(user);
        seed(user, "a", "b", "c");
        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            given().auth().oauth2(token).post("/api/notifications/read-all").then().statusCode(200)
                    .body("all", equalTo(true)).body("unread_count", equalTo(0));
            JsonNode read = client.awaitType("notification_read", WAIT);
            assertThat(read.path("data").path("all").asBoolean()).isTrue();
            assertThat(read.path("data").path("unread_count").asLong()).isZero();
        }
        assertThat(unreadCount(token)).isZero();
        assertThat(page(token, "unread=true").path("total").asLong()).isZero();
        assertThat(page(token, "").path("total").asLong()).isEqualTo(3);
    }

    @Test
    void clearingEmptiesOnlyTheCallersInbox() throws Exception {
        String user = newUser("clear");
        String other = newUser("keep");
        seed(user, "x", "y");
        seed(other, "z");

        given().auth().oauth2(token(user)).delete("/api/notifications").then().statusCode(204);

        assertThat(page(token(user), "").path("total").asLong()).isZero();
        assertThat(unreadCount(token(user))).isZero();
        assertThat(page(token(other), "").path("total").asLong()).isEqualTo(1);
    }

    @Test
    void someoneElsesNotificationIsNotFound() throws Exception {
        String owner = newUser("owner");
        String intruder = newUser("intruder");
        long id = seed(owner, "private").get(0).path("id").asLong();

        given().auth().oauth2(token(intruder)).post("/api/notifications/{id}/read", id)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token(intruder)).post("/api/notifications/{id}/read", Long.MAX_VALUE)
                .then().statusCode(404).contentType("application/problem+json");
        assertThat(unreadCount(token(owner))).isEqualTo(1);
    }

    @Test
    void everyEndpointNeedsAValidToken() {
        given().get("/api/notifications").then().statusCode(401).contentType("application/problem+json");
        given().get("/api/notifications/unread-count").then().statusCode(401);
        given().post("/api/notifications/1/read").then().statusCode(401);
        given().post("/api/notifications/read-all").then().statusCode(401);
        given().delete("/api/notifications").then().statusCode(401);
        given().auth().oauth2(io.leadline.testing.TestTokens.expiredToken(newUser("late"), "provider"))
                .get("/api/notifications").then().statusCode(401);
    }

    /** Publishes one notification per title, oldest first, and waits until all are in the inbox. */
    private List<JsonNode> seed(String user, String... titles) throws Exception {
        for (String title : titles) {
            publish(Channels.user(user), new NotificationMessage(title, "about " + title, "normal", "admin"));
        }
        return awaitInbox(token(user), items -> items.size() == titles.length);
    }

    private static JsonNode page(String token, String query) {
        return tree(given().auth().oauth2(token).get("/api/notifications" + (query.isEmpty() ? "" : "?" + query))
                .then().statusCode(200).extract().asString());
    }

    private static long unreadCount(String token) {
        return tree(given().auth().oauth2(token).get("/api/notifications/unread-count")
                .then().statusCode(200).extract().asString()).path("unread_count").asLong();
    }
}
