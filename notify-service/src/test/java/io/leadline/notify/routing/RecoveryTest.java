package io.leadline.notify.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.EventType;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that reconnects with {@code since} misses nothing and sees nothing twice. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class RecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(5000);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    @Test
    void reconnectingWithSinceReceivesExactlyTheMissedEventsInOrderThenLiveOnes() throws Exception {
        String token = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
        long lastSeen;
        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads"));
            client.awaitType("subscribed", WAIT);
            publish("first", 1).join();
            lastSeen = client.awaitType("lead_created", WAIT).path("seq").asLong();
        }

        List<String> missed = ids("missed", 1000);
        publish("missed", 1000).join();

        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", lastSeen));
            assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
            List<JsonNode> received = collect(client, 1000);
            assertThat(received).extracting(event -> event.path("data").path("id").asText()).containsExactlyElementsOf(missed);
            assertStrictlyIncreasingSeq(received);

            publish("live", 1).join();
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("live-0");
        }
    }

    @Test
    void recoveryHasNoGapAndNoDuplicateWhileEventsKeepFlowingDuringTheReplay() throws Exception {
        String token = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
        long since = publish("before", 1).join().get(0).getSeqno();
        publish("backlog", 1000).join();

        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            CompletableFuture<List<PublishAck>> flowing = publish("during", 500);
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", since));
            client.awaitType("subscribed", WAIT);
            flowing.join();
            List<JsonNode> received = collect(client, 1500);

            List<String> expected = new ArrayList<>(ids("backlog", 1000));
            expected.addAll(ids("during", 500));
            assertThat(received).extracting(event -> event.path("data").path("id").asText()).containsExactlyElementsOf(expected);
            assertStrictlyIncreasingSeq(received);
            publish("after", 1).join();
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("after-0");
        }
    }

    @Test
    void sinceOlderThanTheRetainedHistoryIsAnsweredWithRecoveredFalse() throws Exception {
        TestBus.as(NatsIdentity.PROVISIONER).jetStreamManagement().purgeStream("CHANNELS");
        String token = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
        String watcherToken = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
        try (WsTestClient watcher = WsTestClient.withHeader(ws, watcherToken);
                WsTestClient client = WsTestClient.withHeader(ws, token)) {
            watcher.awaitType("connected", WAIT);
            watcher.send(Map.of("type", "subscribe", "channel", "leads"));
            watcher.awaitType("subscribed", WAIT);
            publish("fresh", 3).join();
            // the gateway routes in stream order: once a live subscriber has the last fresh event, none of them
            // is still on its way, so the subscription below can only see what is published after it
            watcher.await(frame -> "fresh-2".equals(frame.path("data").path("id").asText()), WAIT);
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", 1));
            assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isFalse();
            publish("then-live", 1).join();
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("then-live-0");
        }
    }

    @Test
    void sinceBeforeEventsDroppedByThePerChannelLimitIsAnsweredWithRecoveredFalse() throws Exception {
        var management = TestBus.as(NatsIdentity.PROVISIONER).jetStreamManagement();
        var original = management.getStreamInfo("CHANNELS").getConfiguration();
        try {
            management.updateStream(io.nats.client.api.StreamConfiguration.builder(original).maxMessagesPerSubject(20).build());
            long since = publish("kept-short", 1).join().get(0).getSeqno();
            publish(Channels.user("quiet"), "quiet", 1).join(); // an older event elsewhere keeps the stream's first seq low
            publish("kept-short", 40).join();
            String token = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
            try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
                client.awaitType("connected", WAIT);
                client.send(Map.of("type", "subscribe", "channel", "leads", "since", since));
                assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isFalse();
            }
        } finally {
            management.updateStream(original);
        }
    }

    @Test
    void sinceBeyondTheStreamsLastSequenceIsAnsweredWithRecoveredFalse() throws Exception {
        long last = publish("now", 1).join().get(0).getSeqno();
        String token = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", last + 1_000_000));
            assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isFalse();
            publish("still-live", 1).join();
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("still-live-0");
        }
    }

    private List<JsonNode> collect(WsTestClient client, int count) {
        List<JsonNode> events = new ArrayList<>(count);
        while (events.size() < count) {
            events.add(client.awaitType("lead_created", WAIT));
        }
        return events;
    }

    private static void assertStrictlyIncreasingSeq(List<JsonNode> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).path("seq").asLong()).isGreaterThan(events.get(i - 1).path("seq").asLong());
        }
    }

    private static List<String> ids(String prefix, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }

    private CompletableFuture<List<PublishAck>> publish(String prefix, int count) {
        return publish(Channels.LEADS, prefix, count);
    }

    /** Publishes in order from one thread; completes with the acks once the stream stored them all. */
    private CompletableFuture<List<PublishAck>> publish(String channel, String prefix, int count) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    LeadCreated lead = new LeadCreated(prefix + "-" + i, "Lead " + i, "recovery test", "plumbing",
                            "Austin", "TX", "medium", "residential", 2, 10, 3, Instant.now());
                    EventEnvelope<?> envelope = Channels.LEADS.equals(channel) ? EventEnvelope.of(channel, lead)
                            : EventEnvelope.of(channel,
                                    new io.leadline.shared.event.user.NotificationMessage("t", prefix, "normal", "x"));
                    JetStream jetStream = TestBus.ownerOf(EventType.fromWireName(envelope.type())).jetStream();
                    acks.add(jetStream.publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope)));
                }
                List<PublishAck> done = new ArrayList<>(count);
                for (CompletableFuture<PublishAck> ack : acks) {
                    done.add(ack.join());
                }
                return done;
            } catch (Exception e) {
                throw new IllegalStateException(new String(e.toString().getBytes(StandardCharsets.UTF_8)), e);
            }
        });
    }
}
