package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.notify.session.Sessions;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Each limit answers as documented, and the server keeps serving everyone else. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class LimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(9000);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Sessions sessions;

    @Inject
    Connection nats;

    @Test
    void aClientThatStopsReadingIsClosedWith4008WhileAHealthyOneKeepsReceiving() throws Exception {
        stuckClientIsClosedWhileAHealthyOneKeepsReceiving(false);
    }

    @Test
    void aBatchingClientThatStopsReadingIsClosedWith4008AsWell() throws Exception {
        stuckClientIsClosedWhileAHealthyOneKeepsReceiving(true);
    }

    private void stuckClientIsClosedWhileAHealthyOneKeepsReceiving(boolean stuckBatches) throws Exception {
        Logger endpoints = Logger.getLogger("io.quarkus.websockets.next.runtime");
        ErrorCount errors = new ErrorCount();
        endpoints.addHandler(errors);
        try (WsTestClient healthy = connectToLeads(false); WsTestClient stuck = connectToLeads(stuckBatches)) {
            stuck.pauseReading();
            publishWhileTheHealthyOneReads(healthy, "bulk");
            stuck.resumeReading();
            assertThat(stuck.awaitClose(WAIT)).isEqualTo(4008);
            assertThat(healthy.isClosed()).isFalse();
        } finally {
            endpoints.removeHandler(errors);
        }
        // the frames still queued for the closed socket fail quietly: a client's fault is no server error
        assertThat(errors.count).as("errors logged by the WebSocket endpoints").hasValue(0);
    }

    @Test
    void aSlowConsumerThatVanishesWithFramesStillQueuedLeavesNoErrorInTheLog() throws Exception {
        Logger endpoints = Logger.getLogger("io.quarkus.websockets.next.runtime");
        ErrorCount errors = new ErrorCount();
        endpoints.addHandler(errors);
        try (WsTestClient healthy = connectToLeads(false); WsTestClient stuck = connectToLeads(false)) {
            String stuckId = connectionId(stuck);
            stuck.pauseReading();
            publishWhileTheHealthyOneReads(healthy, "gone");
            // the server gave up on it (4008) with thousands of frames still queued; then the client vanishes
            stuck.abort();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (sessions.get(stuckId) != null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sessions.get(stuckId)).as("the stuck socket is gone").isNull();
            Thread.sleep(500); // the failed writes of the closed socket are reported on its event loop right after
        } finally {
            endpoints.removeHandler(errors);
        }
        assertThat(errors.count).as("errors logged by the WebSocket endpoints").hasValue(0);
    }

    /**
     * 6,000 events of 4 KB in batches the healthy client reads before the next is sent: it is never
     * behind, a client that does not read falls ever further.
     */
    private static void publishWhileTheHealthyOneReads(WsTestClient healthy, String prefix) throws Exception {
        String description = "x".repeat(4000);
        JetStream jetStream = TestBus.as(NatsIdentity.LEADS).jetStream();
        int sent = 0;
        for (int batch = 0; batch < 40; batch++) {
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < 150; i++, sent++) {
                LeadCreated lead = new LeadCreated(prefix + "-" + sent, "Bulk", description, "plumbing", "Austin", "TX",
                        "low", "residential", 1, 5, 3, Instant.now());
                EventEnvelope<LeadCreated> envelope = EventEnvelope.of(Channels.LEADS, lead);
                acks.add(jetStream.publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope)));
            }
            acks.forEach(CompletableFuture::join);
            String last = prefix + "-" + (sent - 1);
            healthy.await(frame -> last.equals(frame.path("data").path("id").asText()), WAIT);
        }
    }

    private static String connectionId(WsTestClient client) {
        return client.seen().stream()
                .map(raw -> JsonCodec.tree(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .filter(frame -> "connected".equals(frame.path("type").asText()))
                .findFirst().orElseThrow().path("connection_id").asText();
    }

    /** Counts records of SEVERE level (ERROR) published to the logger it is added to. */
    private static final class ErrorCount extends Handler {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                count.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anOversizedFrameClosesWith1009() {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);
            client.send("{\"type\":\"ping\",\"pad\":\"" + "y".repeat(70_000) + "\"}");
            assertThat(client.awaitClose(WAIT)).as("close code").isEqualTo(1009);
        }
    }

    @Test
    void aFrameFloodGetsRateLimitedThenClosedWith4029() {
        try (WsTestClient flooder = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"));
                WsTestClient bystander = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            flooder.awaitType("connected", WAIT);
            bystander.awaitType("connected", WAIT);
            for (int i = 0; i < 5_000 && !flooder.isClosed(); i++) {
                try {
                    flooder.send("{\"type\":\"ping\"}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            assertThat(flooder.awaitType("error", WAIT).path("code").asText()).isEqualTo("rate_limited");
            assertThat(flooder.awaitClose(WAIT)).isEqualTo(4029);

            bystander.send(Map.of("type", "ping", "id", "still-here"));
            assertThat(bystander.awaitType("pong", WAIT).path("id").asText()).isEqualTo("still-here");
        }
    }

    @Test
    void burstsNowAndThenAreForgivenWhileEachStaysUnderTheStrikeLimit() throws InterruptedException {
        // test profile: 50 frames/s (bursts of 50), more than 50 strikes close, one strike forgiven per 50 ms
        int burst = 95;
        Duration forgiveness = Duration.ofMillis(50L * (burst - 50)).plusSeconds(1); // the strikes, and a full bucket
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);
            int refused = 0;
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < burst; i++) {
                    client.send("{\"type\":\"ping\"}");
                }
                // every frame is answered, with a pong or a rate_limited error: then the server has counted them all
                for (int i = 0; i < burst; i++) {
                    JsonNode answer = client.await(frame -> frame.path("type").asText().matches("pong|error"), WAIT);
                    if (answer.path("type").asText().equals("error")) {
                        assertThat(answer.path("code").asText()).isEqualTo("rate_limited");
                        refused++;
                    }
                }
                Thread.sleep(forgiveness.toMillis());
            }
            // more refused frames in all than one connection may gather at once: without forgiveness, a 4029
            assertThat(refused).as("frames refused over all bursts").isGreaterThan(50);
            client.send(Map.of("type", "ping", "id", "after-bursts"));
            assertThat(client.awaitType("pong", WAIT).path("id").asText()).isEqualTo("after-bursts");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void tooManySubscriptionsAreRefusedAndExistingOnesKept() {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "admin"))) {
            client.awaitType("connected", WAIT);
            // the own user channel counts: 19 more fit under the test profile's limit of 20
            for (int i = 0; i < 19; i++) {
                client.send(Map.of("type", "subscribe", "channel", "escrow." + i));
                client.awaitType("subscribed", WAIT);
            }
            client.send(Map.of("type", "subscribe", "channel", "leads", "id", "one-too-many"));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("too_many_subscriptions");
            client.send(Map.of("type", "unsubscribe", "channel", "escrow.0"));
            client.awaitType("unsubscribed", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads"));
            assertThat(client.awaitType("subscribed", WAIT).path("channel").asText()).isEqualTo("leads");
        }
    }

    @Test
    void aUserMayHoldOnlySoManyConnections() {
        String user = nextUser();
        List<WsTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(user, "provider"));
                clients.add(client);
                client.awaitType("connected", WAIT);
            }
            WsTestClient eleventh = WsTestClient.withHeader(ws, TestTokens.token(user, "provider"));
            clients.add(eleventh);
            assertThat(eleventh.awaitClose(WAIT)).isEqualTo(4008);
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    private WsTestClient connectToLeads(boolean batch) {
        URI uri = batch ? WsTestClient.withQuery(ws, "batch", "1") : ws;
        WsTestClient client = WsTestClient.withHeader(uri, TestTokens.token(nextUser(), "provider"));
        client.awaitType("connected", WAIT);
        client.send(Map.of("type", "subscribe", "channel", "leads"));
        client.awaitType("subscribed", WAIT);
        return client;
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
