package io.leadline.notify.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.escrow.PaymentStatus;
import io.leadline.shared.json.JsonCodec;
import io.leadline.notify.TestBus;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.TestTokens;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code since} subscription cannot be turned into a flood of stream reads: one replay at a time per
 * connection, a bounded depth, a bounded rate. The test profile allows 2,000 events per replay and
 * five {@code since} subscriptions per connection (no refill within a test).
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class ReplayLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_REPLAY = 2000;
    private static final AtomicInteger USERS = new AtomicInteger(12_000);
    private static final AtomicInteger IDS = new AtomicInteger();

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    @Test
    void aSinceSubscribeWhileAnotherReplaysIsRefusedWithBusyAndTheConnectionStays() throws Exception {
        String first = escrow("busy-a");
        String second = escrow("busy-b");
        long since = publish(first, 1).get(0).getSeqno() - 1;
        try (WsTestClient admin = connect("admin")) {
            NatsTestServer server = LeadlineTestResources.nats();
            // with the stream frozen the first replay cannot finish before the second subscribe arrives
            server.pause();
            try {
                admin.send(Map.of("type", "subscribe", "channel", first, "since", since, "id", "first"));
                admin.send(Map.of("type", "subscribe", "channel", second, "since", 0, "id", "second"));
                JsonNode refused = admin.await(frame -> "second".equals(frame.path("ref").asText())
                        || "second".equals(frame.path("id").asText()), WAIT);
                assertThat(refused.path("type").asText()).isEqualTo("error");
                assertThat(refused.path("code").asText()).isEqualTo("busy");
            } finally {
                server.resume();
            }
            assertThat(admin.await(frame -> "first".equals(frame.path("id").asText()), WAIT).path("type").asText())
                    .isEqualTo("subscribed");
            admin.send(Map.of("type", "ping", "id", "still-here"));
            assertThat(admin.awaitType("pong", WAIT).path("id").asText()).isEqualTo("still-here");
            // once the first replay is over, the second may replay
            assertThat(subscribeSince(admin, second, 0).path("type").asText()).isEqualTo("subscribed");
        }
    }

    @Test
    void moreMissedEventsThanTheLimitAnswerRecoveredFalseWithoutReplaying() throws Exception {
        String channel = escrow("deep");
        try (WsTestClient watcher = connect("admin"); WsTestClient admin = connect("admin")) {
            assertThat(subscribe(watcher, channel).path("type").asText()).isEqualTo("subscribed");
            long before = publish(channel, 1).get(0).getSeqno();
            List<PublishAck> missed = publish(channel, MAX_REPLAY + 1);
            // the gateway routes in stream order: once a live subscriber has the last missed event, none of
            // them is still on its way, so any missed event the new subscription got would be a replay
            long lastMissed = missed.get(missed.size() - 1).getSeqno();
            watcher.await(frame -> frame.path("seq").asLong() == lastMissed, WAIT);
            JsonNode subscribed = subscribeSince(admin, channel, before);
            assertThat(subscribed.path("type").asText()).isEqualTo("subscribed");
            assertThat(subscribed.path("recovered").asBoolean()).isFalse();
            long live = publish(channel, 1).get(0).getSeqno();
            JsonNode firstEvent = admin.awaitType("payment_status", WAIT);
            assertThat(firstEvent.path("seq").asLong()).as("the first event is the live one, nothing was replayed")
                    .isEqualTo(live);
        }
    }

    @Test
    void aChannelWithMoreHistoryThanTheLimitStillReplaysTheFewEventsMissed() throws Exception {
        String channel = escrow("long-history");
        publish(channel, MAX_REPLAY + 10);
        long since = publish(channel, 1).get(0).getSeqno();
        publish(escrow("elsewhere"), MAX_REPLAY + 100); // more stream positions than the limit lie in between
        List<PublishAck> missed = publish(channel, 10);
        try (WsTestClient admin = connect("admin")) {
            JsonNode subscribed = subscribeSince(admin, channel, since);
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            for (PublishAck ack : missed) {
                assertThat(admin.awaitType("payment_status", WAIT).path("seq").asLong()).isEqualTo(ack.getSeqno());
            }
        }
    }

    @Test
    void sinceSubscriptionsAreRateLimitedPerConnection() {
        try (WsTestClient admin = connect("admin")) {
            for (int i = 0; i < 5; i++) {
                assertThat(subscribeSince(admin, escrow("rate"), 0).path("type").asText()).isEqualTo("subscribed");
            }
            JsonNode refused = subscribeSince(admin, escrow("rate"), 0);
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
            // subscriptions without since are not limited by it, and the connection serves on
            admin.send(Map.of("type", "subscribe", "channel", escrow("rate"), "id", "plain"));
            assertThat(admin.await(frame -> "plain".equals(frame.path("id").asText()), WAIT).path("type").asText())
                    .isEqualTo("subscribed");
        }
    }

    /** Subscribes to live events only and returns the answer (subscribed or error). */
    private JsonNode subscribe(WsTestClient client, String channel) {
        String id = "s" + IDS.incrementAndGet();
        client.send(Map.of("type", "subscribe", "channel", channel, "id", id));
        return client.await(frame -> id.equals(frame.path("id").asText()) || id.equals(frame.path("ref").asText()), WAIT);
    }

    /**
     * Subscribes with since and returns the answer (subscribed or error); while another replay of the
     * connection is still running (a subscribed answer comes before its replay ends) it asks again.
     */
    private JsonNode subscribeSince(WsTestClient client, String channel, long since) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String id = "s" + IDS.incrementAndGet();
            client.send(Map.of("type", "subscribe", "channel", channel, "since", since, "id", id));
            JsonNode answer = client.await(frame -> id.equals(frame.path("id").asText()) || id.equals(frame.path("ref").asText()),
                    WAIT);
            if (!"busy".equals(answer.path("code").asText()) || System.nanoTime() > deadline) {
                return answer;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private WsTestClient connect(String role) {
        WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(String.valueOf(USERS.incrementAndGet()), role));
        client.awaitType("connected", WAIT);
        return client;
    }

    private static String escrow(String name) {
        return "escrow." + name + "-" + IDS.incrementAndGet() + "-" + System.nanoTime();
    }

    /** Publishes payment_status events to an escrow channel; returns the acks once the stream stored them all. */
    private List<PublishAck> publish(String channel, int count) throws Exception {
        JetStream jetStream = TestBus.as(NatsIdentity.PAYMENTS).jetStream();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            EventEnvelope<PaymentStatus> envelope = EventEnvelope.of(channel,
                    new PaymentStatus(Channels.idOf(channel), "pending", "pay-" + i));
            acks.add(jetStream.publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope)));
        }
        List<PublishAck> done = new ArrayList<>(count);
        for (CompletableFuture<PublishAck> ack : acks) {
            done.add(ack.get());
        }
        return done;
    }
}
