package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestDatabase;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.outbox.RelayStatements;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.leadline.notify.inbox.InboxFixtures.newUser;
import static io.leadline.notify.inbox.InboxFixtures.publish;
import static io.leadline.notify.inbox.InboxFixtures.token;
import static io.leadline.notify.inbox.InboxFixtures.tree;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answer to a change of the read state comes once its {@code notification_read} is in the stream:
 * an event published after the answer reaches the user's other connections after the announcement.
 * A client that has seen such a later event (as {@link InboxSnapshotTest} does with its last message)
 * has seen every change it was answered, so its count is the server's.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class InboxAnnouncementOrderTest {

    private static final int ROUNDS = 10;

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void anEventPublishedAfterTheAnswerFollowsTheAnnouncement() throws Exception {
        String user = newUser("order");
        String token = token(user);
        try (WsTestClient observer = WsTestClient.withHeader(ws, token)) {
            observer.awaitType("connected", InboxFixtures.WAIT);
            for (int round = 0; round < ROUNDS; round++) {
                publish(Channels.user(user), new NotificationMessage("n" + round, "body", "normal", "admin"));
                JsonNode answer = round % 2 == 0 ? readAll(token) : readNewest(token);
                assertAnnouncedBefore(observer, user, answer, "after-" + round);
            }
        }
    }

    @Test
    void theAnswerWaitsWhileTheRelayCannotPublish() throws Exception {
        String user = newUser("order-locked");
        String token = token(user);
        try (WsTestClient observer = WsTestClient.withHeader(ws, token)) {
            observer.awaitType("connected", InboxFixtures.WAIT);
            // a first change, so that the one under test is answered as fast as it can be
            publish(Channels.user(user), new NotificationMessage("warm-up", "body", "normal", "admin"));
            assertAnnouncedBefore(observer, user, readAll(token), "after-warm-up");
            publish(Channels.user(user), new NotificationMessage("held", "body", "normal", "admin"));
            JsonNode answer;
            // another instance is relaying: this instance cannot publish the announcement until it lets go
            try (Connection otherInstance = TestDatabase.connect()) {
                otherInstance.setAutoCommit(false);
                try (PreparedStatement lock = otherInstance.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, RelayStatements.ADVISORY_LOCK_KEY);
                    lock.executeQuery().close();
                }
                CompletableFuture<JsonNode> answered = CompletableFuture.supplyAsync(() -> readAll(token));
                Thread.sleep(300);
                assertThat(answered).as("answered while the announcement could not be published").isNotDone();
                otherInstance.commit();
                answer = answered.get(InboxFixtures.WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertAnnouncedBefore(observer, user, answer, "after-lock");
        }
    }

    /** Publishes {@code title} and checks that the change answered before it was announced before it. */
    private static void assertAnnouncedBefore(WsTestClient observer, String user, JsonNode answer, String title)
            throws Exception {
        long version = answer.path("read_version").asLong();
        assertThat(answer.path("notification_ids").size() > 0 || answer.path("all").asBoolean())
                .as("the change changed something: %s", answer).isTrue();
        publish(Channels.user(user), new NotificationMessage(title, "published after the answer", "low", "admin"));
        observer.await(frame -> title.equals(frame.path("data").path("title").asText()), InboxFixtures.WAIT);
        List<Long> announced = observer.seen().stream().map(InboxFixtures::tree)
                .filter(frame -> "notification_read".equals(frame.path("type").asText()))
                .map(frame -> frame.path("data").path("read_version").asLong())
                .toList();
        assertThat(announced).as("read versions announced before \"%s\"", title).contains(version);
    }

    private static JsonNode readAll(String token) {
        return tree(given().auth().oauth2(token).post("/api/notifications/read-all").then().statusCode(200)
                .extract().asString());
    }

    /** Marks the newest unread notification read (the only one). */
    private static JsonNode readNewest(String token) {
        JsonNode page = tree(given().auth().oauth2(token).queryParam("unread", "true").queryParam("size", 1)
                .get("/api/notifications").then().statusCode(200).extract().asString());
        String id = page.path("items").get(0).path("event_id").asText();
        return tree(given().auth().oauth2(token).post("/api/notifications/" + id + "/read").then().statusCode(200)
                .extract().asString());
    }
}
