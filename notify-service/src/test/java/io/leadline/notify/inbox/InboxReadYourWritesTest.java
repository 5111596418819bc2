package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.WsTestClient;
import io.leadline.notify.TestBus;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.escrow.StatusChange;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.nats.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.leadline.notify.inbox.InboxFixtures.WAIT;
import static io.leadline.notify.inbox.InboxFixtures.newUser;
import static io.leadline.notify.inbox.InboxFixtures.publish;
import static io.leadline.notify.inbox.InboxFixtures.token;
import static io.leadline.notify.inbox.InboxFixtures.tree;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes: a notification that reached the socket is listed, readable and markable over REST
 * by the very next request, without any wait, by the event id of its frame.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class InboxReadYourWritesTest {

    private static final int ROUNDS = 200;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    @Test
    void aNotificationSeenOnTheSocketIsListedAndMarkedReadByTheFramesIdAtOnce() throws Exception {
        String user = newUser("ryw");
        String token = token(user);
        List<String> misses = new ArrayList<>();
        try (WsTestClient socket = WsTestClient.withHeader(ws, token)) {
            socket.awaitType("connected", WAIT);
            for (int round = 0; round < ROUNDS; round++) {
                String marker = "m" + round;
                // three paths into the inbox: notify's own outbox (an admin send), and events published to
                // the stream by the other services
                switch (round % 3) {
                    case 0 -> adminSend(user, marker);
                    case 1 -> publish(Channels.user(user), new BalanceUpdated(round, round - 1, 1, "top_up", marker));
                    default -> publish(Channels.user(user), new LeadAlert(marker, LeadAlert.COMPETITION,
                            "Competition", "others claimed it", "high", 70, 2, 3));
                }
                JsonNode frame = socket.await(candidate -> carries(candidate, marker), WAIT);
                String eventId = frame.path("id").asText();

                // no wait of any kind between the frame and these requests
                JsonNode newest = tree(given().auth().oauth2(token).queryParam("size", 1).get("/api/notifications")
                        .then().statusCode(200).extract().asString()).path("items").path(0);
                if (!eventId.equals(newest.path("event_id").asText())) {
                    misses.add("round " + round + ": listed " + newest.path("event_id").asText() + " instead of " + eventId);
                    continue;
                }
                given().auth().oauth2(token).get("/api/notifications/{id}", eventId).then().statusCode(200);
                JsonNode read = tree(given().auth().oauth2(token).post("/api/notifications/{id}/read", eventId)
                        .then().extract().asString());
                if (!read.path("notification_ids").path(0).asText().equals(newest.path("id").asText())) {
                    misses.add("round " + round + ": marking " + eventId + " read answered " + read);
                }
                assertThat(read.path("as_of_seq").asLong()).isGreaterThanOrEqualTo(frame.path("seq").asLong());
            }
        }
        assertThat(misses).as("notifications seen on the socket but not yet in the inbox").isEmpty();
        JsonNode all = tree(given().auth().oauth2(token).queryParam("unread", "false").get("/api/notifications")
                .then().statusCode(200).extract().asString());
        assertThat(all.path("total").asLong()).isEqualTo(ROUNDS);
        assertThat(all.path("unread_count").asLong()).isZero();
    }

    @Test
    void anEscrowStatusChangeSeenOnTheSocketIsInThePartysInboxAtOnce() throws Exception {
        String buyer = newUser("ryw-buyer");
        String seller = newUser("ryw-seller");
        String escrow = newUser("ryw-escrow");
        TestBus.putParties(escrow, buyer, seller);
        String token = token(seller);
        try (WsTestClient socket = WsTestClient.withHeader(ws, token)) {
            socket.awaitType("connected", WAIT);
            socket.send(Map.of("type", "subscribe", "channel", Channels.escrow(escrow)));
            socket.awaitType("subscribed", WAIT);
            String[] statuses = {"INITIATED", "HELD", "DISPUTED", "HELD", "RELEASED"};
            for (int i = 1; i < statuses.length; i++) {
                publish(Channels.escrow(escrow), new StatusChange(escrow, statuses[i - 1], statuses[i], buyer));
                String eventId = socket.awaitType("status_change", WAIT).path("id").asText();
                given().auth().oauth2(token).post("/api/notifications/{id}/read", eventId).then().statusCode(200);
            }
        }
        JsonNode inbox = tree(given().auth().oauth2(token).get("/api/notifications").then().statusCode(200)
                .extract().asString());
        assertThat(inbox.path("total").asLong()).isEqualTo(4);
        assertThat(inbox.path("unread_count").asLong()).isZero();
    }

    @Test
    void anIdThatIsNotTheCallersIsNotFoundAndChangesNothing() throws Exception {
        String owner = newUser("owner");
        String intruder = newUser("intruder");
        String ownerToken = token(owner);
        try (WsTestClient ownerSocket = WsTestClient.withHeader(ws, ownerToken)) {
            ownerSocket.awaitType("connected", WAIT);
            publish(Channels.user(owner), new NotificationMessage("Private", "for the owner", "normal", "admin"));
            JsonNode frame = ownerSocket.awaitType("notification_message", WAIT);
            String eventId = frame.path("id").asText();
            JsonNode before = unread(ownerToken);
            long inboxId = tree(given().auth().oauth2(ownerToken).get("/api/notifications/{id}", eventId)
                    .then().statusCode(200).extract().asString()).path("id").asLong();

            List<String> foreign = List.of(eventId, eventId.toLowerCase(), String.valueOf(inboxId));
            List<String> unknown = List.of("01ARZ3NDEKTSV4RRFFQ69G5FAV", "999999999999", String.valueOf(Long.MAX_VALUE),
                    "99999999999999999999999", "0", "-1", "abc", "1.5", "1e3", "01ARZ3NDEKTSV4RRFFQ69G5FA!", "x".repeat(300));
            for (String id : concat(foreign, unknown)) {
                given().auth().oauth2(token(intruder)).post("/api/notifications/{id}/read", id)
                        .then().statusCode(404).contentType("application/problem+json");
                given().auth().oauth2(token(intruder)).get("/api/notifications/{id}", id)
                        .then().statusCode(404).contentType("application/problem+json");
            }
            for (String id : unknown) {
                given().auth().oauth2(ownerToken).post("/api/notifications/{id}/read", id)
                        .then().statusCode(404).contentType("application/problem+json");
            }

            assertThat(unread(ownerToken).path("unread_count")).isEqualTo(before.path("unread_count"));
            assertThat(unread(ownerToken).path("read_version")).isEqualTo(before.path("read_version"));
            // a marker proves that no notification_read went out before it
            publish(Channels.user(owner), new NotificationMessage("Marker", "after the attempts", "low", "admin"));
            ownerSocket.await(candidate -> "Marker".equals(candidate.path("data").path("title").asText()), WAIT);
            assertThat(ownerSocket.seen()).noneMatch(raw -> raw.contains("\"notification_read\""));
        }
    }

    private static JsonNode unread(String token) {
        return tree(given().auth().oauth2(token).get("/api/notifications/unread-count").then().statusCode(200)
                .extract().asString());
    }

    private static boolean carries(JsonNode frame, String marker) {
        JsonNode data = frame.path("data");
        return marker.equals(data.path("title").asText()) || marker.equals(data.path("reference").asText())
                || marker.equals(data.path("lead_id").asText());
    }

    private static void adminSend(String user, String title) {
        given().auth().oauth2(TestTokens.token(newUser("admin"), "admin")).contentType(ContentType.JSON)
                .body(Map.of("user_id", user, "title", title, "message", "from the admin"))
                .post("/api/notifications").then().statusCode(202);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
