package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.leadline.notify.pusher.PusherSockets.KEY;
import static io.leadline.notify.pusher.PusherSockets.subscribePrivate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Pusher client (pusher-js, laravel-echo) gets an event once even when its publisher published it again
 * with the same {@code Nats-Msg-Id} after the stream's duplicate window (here shortened to 1 s).
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class PusherRepeatedEventTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger USERS = new AtomicInteger(890_000 + (int) (System.nanoTime() % 10_000) * 10);

    @TestHTTPResource("/app/" + KEY + "?protocol=7&client=js&version=8.6.0")
    URI app;

    @Test
    void anEventPublishedAgainAfterTheDuplicateWindowReachesAPusherClientOnce() throws Exception {
        String user = String.valueOf(USERS.incrementAndGet());
        String channel = "private-user." + user;
        EventEnvelope<?> event = EventEnvelope.of(Channels.user(user), new NotificationMessage("t", "once", "normal", "admin"));
        EventEnvelope<?> marker = EventEnvelope.of(Channels.user(user), new NotificationMessage("t", "after", "normal", "admin"));
        JetStreamManagement management = TestBus.as(NatsIdentity.PROVISIONER).jetStreamManagement();
        StreamConfiguration original = management.getStreamInfo("CHANNELS").getConfiguration();

        try (WsTestClient socket = WsTestClient.anonymous(app)) {
            subscribePrivate(socket, channel);
            management.updateStream(StreamConfiguration.builder(original).duplicateWindow(Duration.ofSeconds(1)).build());
            PublishAck first = TestBus.publish(event, event.id());
            assertThat(first.isDuplicate()).isFalse();
            // the same Nats-Msg-Id again until the stream no longer remembers it: then it stores a second copy
            AtomicReference<PublishAck> again = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                again.set(TestBus.publish(event, event.id()));
                return !again.get().isDuplicate();
            });
            assertThat(again.get().getSeqno()).isGreaterThan(first.getSeqno());
            TestBus.publish(marker, marker.id());

            // routed in stream order: a second copy would have come before the marker
            socket.await(frame -> "notification_message".equals(frame.path("event").asText())
                    && "after".equals(messageOf(frame)), WAIT);
            List<String> copies = socket.seen().stream()
                    .map(raw -> JsonCodec.tree(raw.getBytes(StandardCharsets.UTF_8)))
                    .filter(frame -> channel.equals(frame.path("channel").asText())
                            && "notification_message".equals(frame.path("event").asText()))
                    .map(PusherRepeatedEventTest::messageOf)
                    .toList();
            assertThat(copies).containsExactly("once", "after");
        } finally {
            management.updateStream(original);
        }
    }

    private static String messageOf(JsonNode pusherFrame) {
        try {
            return JsonCodec.mapper().readTree(pusherFrame.path("data").asText()).path("message").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
