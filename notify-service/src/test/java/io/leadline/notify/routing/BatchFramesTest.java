package io.leadline.notify.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.notify.pusher.PusherChannels;
import io.leadline.notify.pusher.PusherPublisher;
import io.leadline.notify.session.GatewayConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.monitor.FraudAlert;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events that wait for a busy event loop reach a {@code batch=1} client several per frame, one JSON
 * object per line, in order; every other client still gets one event per frame. The events are made to
 * wait by keeping the server's event loops busy until the router has queued them all.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class BatchFramesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(7700);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    EventRouter router;

    @Inject
    GatewayConfig config;

    @Test
    void eventsQueuedForABusyLoopArriveAsLinesOfFewFramesForBatchClientsAndAsSingleFramesForOthers() throws Exception {
        try (WsTestClient batched = connect("provider", true); WsTestClient single = connect("provider", false)) {
            for (WsTestClient client : List.of(batched, single)) {
                client.send(Map.of("type", "subscribe", "channel", "leads"));
                client.awaitType("subscribed", WAIT);
            }
            batched.drain();
            single.drain();

            int count = 300;
            List<String> ids = whileLoopsAreBusy(() -> publishLeads("burst", count));

            List<String> batchFrames = framesUntil(batched, ids.get(count - 1));
            List<String> singleFrames = framesUntil(single, ids.get(count - 1));

            List<JsonNode> fromBatches = lines(batchFrames);
            List<JsonNode> fromSingles = lines(singleFrames);
            assertThat(ids(fromBatches)).containsExactlyElementsOf(ids);
            assertThat(ids(fromSingles)).containsExactlyElementsOf(ids);
            assertStrictlyIncreasingSeq(fromBatches);
            assertThat(seqs(fromBatches)).containsExactlyElementsOf(seqs(fromSingles));

            assertThat(singleFrames).hasSize(count).allSatisfy(frame -> assertThat(frame).doesNotContain("\n"));
            assertThat(batchFrames.size()).as("frames carrying %d queued events", count).isLessThan(count / 4);
            assertThat(batchFrames).anySatisfy(frame -> assertThat(frame.split("\n", -1).length).isGreaterThan(50));
            assertThat(batchFrames).allSatisfy(frame -> assertThat(frame).doesNotEndWith("\n").doesNotStartWith("\n"));

            // and the next event, alone, is an ordinary frame for both
            List<String> live = publishLeads("alone", 1);
            assertThat(framesUntil(batched, live.get(0))).singleElement()
                    .satisfies(frame -> assertThat(frame).doesNotContain("\n"));
        }
    }

    @Test
    void aBurstIsCoalescedIntoBatchesWithoutAnyLoopHeldUpAndALoneEventStillGoesOutAtOnce() throws Exception {
        try (WsTestClient batched = connect("provider", true)) {
            batched.send(Map.of("type", "subscribe", "channel", "leads"));
            batched.awaitType("subscribed", WAIT);
            batched.drain();

            int count = 500;
            List<String> ids = publishLeads("coalesced", count);
            List<String> frames = framesUntil(batched, ids.get(count - 1));
            assertThat(ids(lines(frames))).containsExactlyElementsOf(ids);
            assertThat(frames.size()).as("frames carrying a burst of %d events", count).isLessThan(count);

            Thread.sleep(100); // a quiet spell: the next event is written as soon as it is routed
            List<String> alone = publishLeads("after-quiet", 1);
            assertThat(framesUntil(batched, alone.get(0))).singleElement()
                    .satisfies(frame -> assertThat(frame).doesNotContain("\n"));
        }
    }

    @Test
    void theMonitorsKindFilterHoldsInsideBatches() throws Exception {
        try (WsTestClient admin = connect("admin", true)) {
            admin.send(Map.of("type", "subscribe", "channel", "payments.monitor",
                    "filter", Map.of("kinds", List.of("fraud"))));
            admin.awaitType("subscribed", WAIT);
            admin.drain();
            List<String> alerts = whileLoopsAreBusy(() -> {
                List<String> rules = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    publish(EventEnvelope.of(Channels.PAYMENTS_MONITOR,
                            new MetricsUpdated(i, BigDecimal.ONE, BigDecimal.TEN, "24h")));
                    if (i % 3 == 0) {
                        String rule = "rule-" + i;
                        rules.add(rule);
                        publish(EventEnvelope.of(Channels.PAYMENTS_MONITOR,
                                new FraudAlert(rule, "high", "tx-" + i, "cus-1", i + " payments", Map.of("count", i))));
                    }
                }
                return rules;
            });
            String last = alerts.get(alerts.size() - 1);
            List<JsonNode> received = new ArrayList<>();
            while (received.isEmpty() || !last.equals(received.get(received.size() - 1).path("data").path("rule").asText())) {
                received.addAll(lines(List.of(admin.awaitRaw(frame -> true, WAIT))));
            }
            assertThat(received).extracting(event -> event.path("type").asText()).containsOnly("fraud_alert");
            assertThat(received).extracting(event -> event.path("data").path("rule").asText())
                    .containsExactlyElementsOf(alerts);
            assertStrictlyIncreasingSeq(received);
        }
    }

    /**
     * An application event on {@code payments.monitor} (the Pusher HTTP API on {@code private-payments.monitor})
     * is of no monitor kind: a subscription filtered to kinds does not get it, batching or not, alone or
     * among the kinds it asked for; an unfiltered one does.
     */
    @Test
    void anAppEventOnTheMonitorIsOfNoKindAFilteredSubscriberAskedFor() throws Exception {
        try (WsTestClient batched = connect("admin", true); WsTestClient single = connect("admin", false);
                WsTestClient all = connect("admin", true)) {
            for (WsTestClient client : List.of(batched, single)) {
                client.send(Map.of("type", "subscribe", "channel", "payments.monitor",
                        "filter", Map.of("kinds", List.of("fraud"))));
                client.awaitType("subscribed", WAIT);
            }
            all.send(Map.of("type", "subscribe", "channel", "payments.monitor"));
            all.awaitType("subscribed", WAIT);
            for (WsTestClient client : List.of(batched, single, all)) {
                client.drain();
            }

            PusherChannels.Channel monitor = PusherChannels.classify("private-payments.monitor");
            JetStream notify = TestBus.as(NatsIdentity.NOTIFY).jetStream();
            List<String> rules = whileLoopsAreBusy(() -> {
                List<String> published = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    byte[] app = PusherPublisher.envelope(java.util.UUID.randomUUID().toString(),
                            new PusherPublisher.AppEvent("order-shipped", monitor, null, TextNode.valueOf("app-" + i)),
                            System.currentTimeMillis());
                    lastPublished = Math.max(lastPublished, notify.publish(monitor.subject(), app).getSeqno());
                    String rule = "app-rule-" + i;
                    published.add(rule);
                    publish(EventEnvelope.of(Channels.PAYMENTS_MONITOR,
                            new FraudAlert(rule, "high", "tx-" + i, "cus-1", i + " payments", Map.of("count", i))));
                }
                return published;
            });
            String last = rules.get(rules.size() - 1);
            for (WsTestClient client : List.of(batched, single, all)) {
                List<JsonNode> received = new ArrayList<>();
                while (received.isEmpty()
                        || !last.equals(received.get(received.size() - 1).path("data").path("rule").asText())) {
                    received.addAll(lines(List.of(client.awaitRaw(frame -> true, WAIT))));
                }
                List<String> types = received.stream().map(event -> event.path("type").asText()).toList();
                if (client == all) {
                    assertThat(types).containsExactly("order-shipped", "fraud_alert", "order-shipped", "fraud_alert",
                            "order-shipped", "fraud_alert");
                } else {
                    assertThat(types).as("a subscription filtered to fraud").containsOnly("fraud_alert").hasSize(3);
                }
            }
        }
    }

    /**
     * A client subscribed to several channels whose events waited together gets them in stream order,
     * and a frame never mixes channels (docs/protocol.md: a frame holds events of one channel).
     */
    @Test
    void eventsOfSeveralChannelsKeepStreamOrderAndAFrameHoldsOneChannel() throws Exception {
        String user = String.valueOf(USERS.incrementAndGet());
        try (WsTestClient batched = WsTestClient.withHeader(WsTestClient.withQuery(ws, "batch", "1"),
                TestTokens.token(user, "provider"))) {
            batched.awaitType("connected", WAIT);
            batched.send(Map.of("type", "subscribe", "channel", "leads"));
            batched.awaitType("subscribed", WAIT);
            batched.drain();

            int rounds = 40;
            List<String> leads = whileLoopsAreBusy(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    ids.addAll(publishLeads("mixed-" + i, 1));
                    publish(EventEnvelope.of(Channels.user(user), new BalanceUpdated(i, 0, i, "top_up", "pi_" + i)));
                }
                ids.addAll(publishLeads("mixed-end", 1));
                return ids;
            });
            List<String> frames = framesUntil(batched, leads.get(leads.size() - 1));

            List<JsonNode> events = lines(frames);
            assertThat(events).hasSize(2 * rounds + 1);
            assertStrictlyIncreasingSeq(events);
            assertThat(events.stream().filter(event -> "leads".equals(event.path("channel").asText())).toList())
                    .extracting(event -> event.path("data").path("id").asText()).containsExactlyElementsOf(leads);
            for (String frame : frames) {
                assertThat(lines(List.of(frame))).extracting(event -> event.path("channel").asText()).as(frame)
                        .containsOnly(lines(List.of(frame)).get(0).path("channel").asText());
            }
        }
    }

    /**
     * JSON allows raw CR and LF between tokens, and a publisher may leave some there (pretty-printed, or a
     * hand-written envelope): a batching client splits every frame on {@code \n}, the replayed ones too, so
     * the event must reach it on one line both live and on recovery.
     */
    @Test
    void rawLineBreaksBetweenAnEnvelopesTokensReachABatchClientOnOneLineLiveAndReplayed() throws Exception {
        JetStream jetStream = TestBus.ownerOf(EventType.LEAD_CREATED).jetStream();
        try (WsTestClient live = connect("provider", true)) {
            live.send(Map.of("type", "subscribe", "channel", "leads"));
            long since = live.awaitType("subscribed", WAIT).path("seq").asLong();
            live.drain();

            String id = "line-breaks-" + System.nanoTime();
            // line and paragraph separators inside a string are JSON, and no line break for a \n split
            String description = "spread over lines \u2028 \u2029 \u0085";
            EventEnvelope<?> envelope = EventEnvelope.of(Channels.LEADS, lead(id, description));
            String json = new String(JsonCodec.encode(envelope), StandardCharsets.UTF_8)
                    .replace(",\"type\":", ",\r\n  \"type\":").replace(",\"data\":", ",\n\"data\":");
            assertThat(json).contains("\r\n", "\n\"data\"");
            long seq = jetStream.publish(Channels.subjectOf(envelope), json.getBytes(StandardCharsets.UTF_8)).getSeqno();

            assertOnOneLine(framesUntil(live, id), id, seq, description);
            try (WsTestClient replaying = connect("provider", true)) {
                replaying.send(Map.of("type", "subscribe", "channel", "leads", "since", since));
                assertOnOneLine(framesUntil(replaying, id), id, seq, description);
            }
        }
    }

    /**
     * {@code max-event-bytes} bounds what one frame of a publisher may make a client take (a client sized
     * for the largest event must not be broken, docs/security.md); a batch of large events may not add up
     * to more than that in one frame: it goes out as several frames, each of whole lines, still in order.
     */
    @Test
    void aBatchFrameIsNeverLargerThanTheLargestEventFrameCanBe() throws Exception {
        try (WsTestClient batched = connect("provider", true)) {
            batched.send(Map.of("type", "subscribe", "channel", "leads"));
            batched.awaitType("subscribed", WAIT);
            batched.drain();

            int count = 40;
            String description = "x".repeat(20_000);
            List<String> ids = whileLoopsAreBusy(() -> publishLeads("large", count, description));
            List<String> frames = framesUntil(batched, ids.get(count - 1));

            List<JsonNode> events = lines(frames);
            assertThat(ids(events)).containsExactlyElementsOf(ids);
            assertStrictlyIncreasingSeq(events);
            assertThat(frames).allSatisfy(frame -> assertThat(frame.getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(config.maxEventBytes()));
            assertThat(frames).as("still batched").anySatisfy(frame -> assertThat(frame).contains("\n"));
        }
    }

    private static void assertOnOneLine(List<String> frames, String id, long seq, String description) {
        assertThat(frames).allSatisfy(frame -> assertThat(frame).doesNotContain("\r"));
        List<JsonNode> events = lines(frames); // every line is JSON on its own
        assertThat(events).filteredOn(event -> id.equals(event.path("data").path("id").asText())).singleElement()
                .satisfies(event -> {
                    assertThat(event.path("seq").asLong()).isEqualTo(seq);
                    assertThat(event.path("type").asText()).isEqualTo("lead_created");
                    assertThat(event.path("data").path("description").asText()).isEqualTo(description);
                });
    }

    private static LeadCreated lead(String id, String description) {
        return new LeadCreated(id, "Lead " + id, description, "plumbing", "Austin", "TX", "medium", "residential", 2, 10,
                3, Instant.now());
    }

    private WsTestClient connect(String role, boolean batch) {
        URI uri = batch ? WsTestClient.withQuery(ws, "batch", "1") : ws;
        WsTestClient client = WsTestClient.withHeader(uri, TestTokens.token(String.valueOf(USERS.incrementAndGet()), role));
        JsonNode connected = client.awaitType("connected", WAIT);
        assertThat(connected.path("batch").asBoolean(false)).isEqualTo(batch);
        return client;
    }

    interface Publishing {
        List<String> run() throws Exception;
    }

    /**
     * Runs {@code publishing} while every event loop of the server is held, waits until the router has
     * queued what was published, then lets the loops go: their first drain finds the events waiting.
     */
    private List<String> whileLoopsAreBusy(Publishing publishing) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<CountDownLatch> held = new ArrayList<>();
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            CountDownLatch holding = new CountDownLatch(1);
            held.add(holding);
            loop.execute(() -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            for (CountDownLatch holding : held) {
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            }
            List<String> published = publishing.run();
            long last = lastPublished;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (router.lastSeq() < last && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(router.lastSeq()).as("routed while the loops were held").isGreaterThanOrEqualTo(last);
            Thread.sleep(50); // the router queues the last event right after it records its sequence
            return published;
        } finally {
            release.countDown();
        }
    }

    private volatile long lastPublished;

    private List<String> publishLeads(String prefix, int count) throws Exception {
        return publishLeads(prefix, count, "batch test");
    }

    private List<String> publishLeads(String prefix, int count, String description) throws Exception {
        List<String> ids = new ArrayList<>(count);
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(count);
        JetStream jetStream = TestBus.ownerOf(EventType.LEAD_CREATED).jetStream();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            ids.add(id);
            EventEnvelope<?> envelope = EventEnvelope.of(Channels.LEADS, lead(id, description));
            acks.add(jetStream.publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope)));
        }
        for (CompletableFuture<PublishAck> ack : acks) {
            lastPublished = Math.max(lastPublished, ack.join().getSeqno());
        }
        return ids;
    }

    private void publish(EventEnvelope<?> envelope) throws Exception {
        PublishAck ack = TestBus.publish(envelope, null);
        lastPublished = Math.max(lastPublished, ack.getSeqno());
    }

    /** Raw frames up to and including the one carrying the event with data id {@code lastId}. */
    private static List<String> framesUntil(WsTestClient client, String lastId) {
        List<String> frames = new ArrayList<>();
        while (true) {
            String frame = client.awaitRaw(any -> true, WAIT);
            frames.add(frame);
            if (frame.contains("\"id\":\"" + lastId + "\"")) {
                return frames;
            }
        }
    }

    private static List<JsonNode> lines(List<String> frames) {
        List<JsonNode> events = new ArrayList<>();
        for (String frame : frames) {
            for (String line : frame.split("\n", -1)) {
                events.add(JsonCodec.tree(line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return events;
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(event -> event.path("data").path("id").asText()).toList();
    }

    private static List<Long> seqs(List<JsonNode> events) {
        return events.stream().map(event -> event.path("seq").asLong()).toList();
    }

    private static void assertStrictlyIncreasingSeq(List<JsonNode> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).path("seq").asLong()).isGreaterThan(events.get(i - 1).path("seq").asLong());
        }
    }
}
