package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.TestTokens;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Test users, events published straight to the stream (as the outbox relay does) and inbox reads over REST. */
final class InboxFixtures {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger();
    /** Ids from earlier runs on the same database stay below this one. */
    private static final long FIRST_USER = System.currentTimeMillis() * 1000;

    private InboxFixtures() {
    }

    /** An account id no other test uses; the prefix only says what the user is for. */
    static String newUser(String prefix) {
        return Long.toString(FIRST_USER + USERS.incrementAndGet());
    }

    static String token(String user) {
        return TestTokens.token(user, "provider");
    }

    /** Publishes as the service that owns the event, as its outbox relay would. */
    static <E extends Event> EventEnvelope<E> publish(String channel, E event) throws IOException, JetStreamApiException {
        EventEnvelope<E> envelope = EventEnvelope.of(channel, event);
        publish(envelope, envelope.id());
        return envelope;
    }

    /** Publishes with {@code Nats-Msg-Id} = {@code messageId}, or with none when it is null. */
    static PublishAck publish(EventEnvelope<?> envelope, String messageId) throws IOException, JetStreamApiException {
        return TestBus.publish(envelope, messageId);
    }

    /** Every notification of the user, newest first, read through the REST API. */
    static List<JsonNode> inbox(String token) {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode body = tree(given().auth().oauth2(token).queryParam("page", page).queryParam("size", 100)
                    .get("/api/notifications").then().statusCode(200).extract().asString());
            body.path("items").forEach(all::add);
            if (body.path("items").size() < 100) {
                return all;
            }
        }
    }

    /** Waits until the user's inbox satisfies {@code done}, and returns it. */
    static List<JsonNode> awaitInbox(String token, Predicate<List<JsonNode>> done) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> inbox(token), done);
    }

    static boolean hasTitle(List<JsonNode> inbox, String title) {
        return inbox.stream().anyMatch(item -> title.equals(item.path("title").asText()));
    }

    static JsonNode tree(String json) {
        return JsonCodec.tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
