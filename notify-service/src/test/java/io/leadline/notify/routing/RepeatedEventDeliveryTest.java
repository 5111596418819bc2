package io.leadline.notify.routing;

import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.nats.client.api.PublishAck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event the stream holds twice (a publisher that published it again after the stream's duplicate
 * window) reaches a {@code /ws} client once, live and on a {@code since} replay.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class RepeatedEventDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger USERS = new AtomicInteger(880_000 + (int) (System.nanoTime() % 10_000) * 10);

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void anEventPublishedAgainAfterTheDuplicateWindowReachesLiveAndReplayingClientsOnce() throws Exception {
        String user = String.valueOf(USERS.incrementAndGet());
        String token = TestTokens.token(user, "provider");
        EventEnvelope<?> event = EventEnvelope.of(Channels.user(user), new NotificationMessage("t", "once", "normal", "admin"));
        EventEnvelope<?> marker = EventEnvelope.of(Channels.user(user), new NotificationMessage("t", "after", "normal", "admin"));

        try (WsTestClient live = WsTestClient.withHeader(ws, token)) {
            live.awaitType("connected", WAIT);
            PublishAck first = TestBus.publish(event, event.id());
            // without Nats-Msg-Id the stream cannot tell it from a new message, as after the duplicate window
            PublishAck again = TestBus.publish(event, null);
            assertThat(again.isDuplicate()).isFalse();
            assertThat(again.getSeqno()).isGreaterThan(first.getSeqno());
            TestBus.publish(marker, marker.id());

            // routed in stream order: a second copy would have come before the marker
            live.await(frame -> marker.id().equals(frame.path("id").asText()), WAIT);
            assertThat(copiesOf(live.seen(), event.id())).containsExactly(first.getSeqno());

            try (WsTestClient replaying = WsTestClient.withHeader(ws, token)) {
                replaying.awaitType("connected", WAIT);
                replaying.send(Map.of("type", "subscribe", "channel", Channels.user(user), "since", first.getSeqno() - 1));
                assertThat(replaying.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
                replaying.await(frame -> marker.id().equals(frame.path("id").asText()), WAIT);
                assertThat(copiesOf(replaying.seen(), event.id())).as("replayed from before the first copy")
                        .containsExactly(first.getSeqno());
            }

            try (WsTestClient resuming = WsTestClient.withHeader(ws, token)) {
                resuming.awaitType("connected", WAIT);
                // a client that saw the first copy resumes from it: the second is behind its since, the marker not
                resuming.send(Map.of("type", "subscribe", "channel", Channels.user(user), "since", first.getSeqno()));
                assertThat(resuming.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
                resuming.await(frame -> marker.id().equals(frame.path("id").asText()), WAIT);
                assertThat(copiesOf(resuming.seen(), event.id())).as("replayed from the first copy").isEmpty();
            }
        }
    }

    /** The seqs of the frames carrying event {@code id}, in the order received. */
    static List<Long> copiesOf(List<String> frames, String id) {
        return frames.stream()
                .map(raw -> JsonCodec.tree(raw.getBytes(StandardCharsets.UTF_8)))
                .filter(frame -> id.equals(frame.path("id").asText()))
                .map(frame -> frame.path("seq").asLong())
                .toList();
    }
}
