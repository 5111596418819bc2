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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.leadline.notify.inbox.InboxFixtures.inbox;
import static io.leadline.notify.inbox.InboxFixtures.newUser;
import static io.leadline.notify.inbox.InboxFixtures.publish;
import static io.leadline.notify.inbox.InboxFixtures.token;
import static io.leadline.notify.inbox.InboxFixtures.tree;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unread counts are snapshots that are exact for their {@code as_of_seq} and {@code read_version}, while
 * notifications arrive and another tab marks them read: every count announced on the socket or answered
 * over REST is checked against the history, and a client that keeps "newest snapshot + inbox events
 * after it" (as the SDK's {@code UnreadCounter} does) ends with exactly the server's count.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class InboxSnapshotTest {

    private static final int MAX_NOTIFICATIONS = 2_000;
    private static final int PUBLISHERS = 2;
    private static final int ROUNDS = 60;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    /** A change of the read state as its answer reported it. */
    private record Change(long version, long asOfSeq, boolean all, List<Long> ids) {
    }

    /** An unread count with what it claims to be exact for. */
    private record Snapshot(String source, long count, long asOfSeq, long version) {
    }

    @Test
    void everyAnnouncedAndAnsweredCountIsExactForItsPositionAndVersion() throws Exception {
        String user = newUser("snap");
        String token = token(user);
        List<Change> changes = new CopyOnWriteArrayList<>();
        List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
        ClientCount client = new ClientCount();

        try (WsTestClient observer = WsTestClient.withHeader(ws, token)) {
            observer.awaitType("connected", InboxFixtures.WAIT);
            client.apply(snapshotOf("first read", unreadCount(token)));

            // notifications keep arriving for as long as the other tab marks them read
            AtomicBoolean marking = new AtomicBoolean(true);
            CompletableFuture<?>[] publishers = new CompletableFuture<?>[PUBLISHERS];
            for (int p = 0; p < PUBLISHERS; p++) {
                String prefix = "p" + p + "-";
                publishers[p] = CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; marking.get() && i < MAX_NOTIFICATIONS; i++) {
                            publish(Channels.user(user), new NotificationMessage(prefix + i, "body", "normal", "admin"));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            CompletableFuture<Void> publishing = CompletableFuture.allOf(publishers);
            Random random = new Random(42);
            for (int round = 0; round < ROUNDS; round++) {
                JsonNode answer;
                if (round % 3 == 2) {
                    answer = post(token, "/api/notifications/read-all");
                } else {
                    JsonNode page = tree(given().auth().oauth2(token).queryParam("unread", "true").queryParam("size", 5)
                            .get("/api/notifications").then().statusCode(200).extract().asString());
                    snapshots.add(snapshotOf("page", page));
                    JsonNode items = page.path("items");
                    if (items.isEmpty()) {
                        continue;
                    }
                    JsonNode item = items.get(random.nextInt(items.size()));
                    String id = random.nextBoolean() ? item.path("id").asText() : item.path("event_id").asText();
                    answer = post(token, "/api/notifications/" + id + "/read");
                }
                snapshots.add(snapshotOf("answer", answer));
                List<Long> ids = new ArrayList<>();
                answer.path("notification_ids").forEach(id -> ids.add(id.asLong()));
                changes.add(new Change(answer.path("read_version").asLong(), answer.path("as_of_seq").asLong(),
                        answer.path("all").asBoolean(), ids));
                if (round % 4 == 0) {
                    JsonNode count = unreadCount(token);
                    snapshots.add(snapshotOf("unread-count", count));
                    client.apply(snapshotOf("unread-count", count)); // as the page does when it re-reads
                }
            }
            marking.set(false);
            publishing.join();
            publish(Channels.user(user), new NotificationMessage("done", "the last one", "low", "admin"));

            // everything the observer received, in order, as the SDK would see it
            observer.await(frame -> "done".equals(frame.path("data").path("title").asText()), WAIT);
            for (String raw : observer.seen()) {
                JsonNode frame = tree(raw);
                if ("notification_read".equals(frame.path("type").asText())) {
                    Snapshot announced = snapshotOf("notification_read", frame.path("data"));
                    snapshots.add(announced);
                    client.apply(announced);
                } else {
                    client.observe(frame);
                }
            }
        }

        History history = new History(inbox(token), changes);
        assertThat(snapshots).hasSizeGreaterThan(ROUNDS);
        for (Snapshot snapshot : snapshots) {
            assertThat(snapshot.count()).as("%s", snapshot).isEqualTo(history.unreadAt(snapshot.asOfSeq(), snapshot.version()));
        }
        assertThat(client.count()).as("the client's count").isEqualTo(unreadCount(token).path("unread_count").asLong());
    }

    private static Snapshot snapshotOf(String source, JsonNode body) {
        return new Snapshot(source, body.path("unread_count").asLong(), body.path("as_of_seq").asLong(),
                body.path("read_version").asLong());
    }

    private static JsonNode unreadCount(String token) {
        return tree(given().auth().oauth2(token).get("/api/notifications/unread-count").then().statusCode(200)
                .extract().asString());
    }

    private static JsonNode post(String token, String path) {
        return tree(given().auth().oauth2(token).post(path).then().statusCode(200).extract().asString());
    }

    /** What was unread at any (position, version), from the final inbox and the changes' answers. */
    private static final class History {

        private final Map<Long, Long> seqById = new HashMap<>();
        private final List<Change> changes;

        History(List<JsonNode> finalInbox, List<Change> changes) {
            finalInbox.forEach(item -> seqById.put(item.path("id").asLong(), item.path("seq").asLong()));
            this.changes = changes;
        }

        long unreadAt(long asOfSeq, long version) {
            Set<Long> read = new HashSet<>();
            for (Change change : changes) {
                if (change.version() > version) {
                    continue;
                }
                seqById.forEach((id, seq) -> {
                    if (change.all() ? seq <= change.asOfSeq() : change.ids().contains(id)) {
                        read.add(id);
                    }
                });
            }
            return seqById.entrySet().stream()
                    .filter(entry -> entry.getValue() <= asOfSeq && !read.contains(entry.getKey()))
                    .count();
        }
    }

    /** The SDK's UnreadCounter, in Java: the newest snapshot plus the inbox events received after it. */
    private static final class ClientCount {

        private long base;
        private long asOf = -1;
        private long version = -1;
        private final Map<String, Long> after = new HashMap<>();

        void observe(JsonNode frame) {
            long seq = frame.path("seq").asLong(-1);
            if ("notification_message".equals(frame.path("type").asText()) && seq > asOf) {
                after.put(frame.path("id").asText(), seq);
            }
        }

        void apply(Snapshot snapshot) {
            if (snapshot.asOfSeq() < asOf || snapshot.version() < version
                    || (snapshot.asOfSeq() == asOf && snapshot.version() == version)) {
                return;
            }
            base = snapshot.count();
            asOf = snapshot.asOfSeq();
            version = snapshot.version();
            after.values().removeIf(seq -> seq <= asOf);
        }

        long count() {
            return base + after.size();
        }
    }
}
