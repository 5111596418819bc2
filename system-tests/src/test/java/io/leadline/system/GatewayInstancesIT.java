package io.leadline.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.system.harness.TestSocket;
import io.leadline.testing.TestTokens;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several gateway instances on one NATS: a client on any of them receives every event of its
 * channels, and losing an instance loses nothing for clients that reconnect elsewhere with since.
 */
class GatewayInstancesIT {

    private static final Logger LOG = Logger.getLogger(GatewayInstancesIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger USERS = new AtomicInteger(70_000);

    private static Platform platform;
    private static ServiceProcess second;

    @BeforeAll
    static void start() {
        platform = Platform.start(GatewayInstancesIT.class);
        second = new ServiceProcess("notify-service", "GatewayInstancesIT-2", platform.notifyService().database(),
                ServiceProcess.standardProperties("notify-service", platform.notifyService().database(), platform.nats(),
                        TestTokens.keyDir(), Platform.ADMIN_USERNAME, platform.adminPassword()));
        second.start();
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.kill();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void killingAnInstanceWhileTenThousandEventsFlowLosesNothingForClientsThatReconnectWithSince() throws Exception {
        if (!second.isAlive()) {
            second.start();
        }
        int total = 10_000;
        try (Connection nats = platform.nats().connect(NatsIdentity.LEADS);
                TestSocket onFirst = subscribeToLeads(platform.notifyService());
                TestSocket onSecond = subscribeToLeads(second)) {
            String prefix = "kill-" + System.nanoTime() + "-";
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> publish(nats, prefix, total));

            await().atMost(WAIT).until(() -> leadIds(onSecond, prefix).size() >= total / 5);
            second.kill();
            onSecond.awaitClose(WAIT);
            List<JsonNode> beforeKill = leadFrames(onSecond, prefix);
            long lastSeen = beforeKill.get(beforeKill.size() - 1).path("seq").asLong();
            LOG.infof("instance killed after %d of %d events reached its client", beforeKill.size(), total);

            try (TestSocket reconnected = TestSocket.connect(platform.notifyService().wsUri("/ws"), onSecondToken)) {
                reconnected.awaitType("connected", WAIT);
                reconnected.sendJson(Map.of("type", "subscribe", "channel", "leads", "since", lastSeen));
                assertThat(reconnected.awaitType("subscribed", WAIT).json().path("recovered").asBoolean()).isTrue();
                publishing.join();

                await().atMost(WAIT).until(() -> leadIds(reconnected, prefix).size() >= total - beforeKill.size());
                List<String> seenBySecondClient = new ArrayList<>(ids(beforeKill));
                seenBySecondClient.addAll(leadIds(reconnected, prefix));
                assertThat(seenBySecondClient).containsExactlyElementsOf(expectedIds(prefix, total));
                assertStrictlyIncreasingSeq(leadFrames(reconnected, prefix));
            }
            await().atMost(WAIT).until(() -> leadIds(onFirst, prefix).size() >= total);
            assertThat(leadIds(onFirst, prefix)).containsExactlyElementsOf(expectedIds(prefix, total));
        }
    }

    @Test
    void aTicketIssuedByOneInstanceOpensOneSocketOnEither() {
        if (!second.isAlive()) {
            second.start();
        }
        Platform.User user = platform.register("provider");
        String ticket = given().baseUri(platform.notifyService().baseUri().toString())
                .header("Authorization", "Bearer " + user.token())
                .when().post("/api/ws-tickets").then().statusCode(201).extract().jsonPath().getString("ticket");
        try (TestSocket onSecond = TestSocket.connectWithTicket(second.wsUri("/ws"), ticket)) {
            assertThat(onSecond.awaitType("connected", WAIT).json().path("user_id").asText()).isEqualTo(user.id());
        }
        assertThat(TestSocket.refusedTicketStatus(platform.notifyService().wsUri("/ws"), ticket))
                .as("used on the other instance already").isEqualTo(401);
        assertThat(TestSocket.refusedTicketStatus(second.wsUri("/ws"), ticket)).isEqualTo(401);
    }

    @Test
    void aClientOnEitherInstanceReceivesEveryEvent() throws Exception {
        if (!second.isAlive()) {
            second.start();
        }
        try (Connection nats = platform.nats().connect(NatsIdentity.LEADS);
                TestSocket onFirst = subscribeToLeads(platform.notifyService());
                TestSocket onSecond = subscribeToLeads(second)) {
            String prefix = "both-" + System.nanoTime() + "-";
            publish(nats, prefix, 500);
            await().atMost(WAIT).until(() -> leadIds(onFirst, prefix).size() >= 500 && leadIds(onSecond, prefix).size() >= 500);
            assertThat(leadIds(onFirst, prefix)).containsExactlyElementsOf(expectedIds(prefix, 500));
            assertThat(leadIds(onSecond, prefix)).containsExactlyElementsOf(expectedIds(prefix, 500));
        }
    }

    @Test
    void sigtermClosesSocketsWith1012SoClientsReconnectElsewhere() {
        if (!second.isAlive()) {
            second.start();
        }
        try (TestSocket onSecond = subscribeToLeads(second)) {
            long started = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(second::stop);
            assertThat(onSecond.awaitClose(WAIT)).isEqualTo(1012);
            LOG.infof("1012 received %d ms after SIGTERM", (System.nanoTime() - started) / 1_000_000);
            stopping.join();
        }
    }

    private static String onSecondToken;

    private static TestSocket subscribeToLeads(ServiceProcess gateway) {
        String token = TestTokens.token(String.valueOf(USERS.incrementAndGet()), "provider");
        if (gateway == second) {
            onSecondToken = token;
        }
        TestSocket socket = TestSocket.connect(gateway.wsUri("/ws"), token);
        socket.awaitType("connected", WAIT);
        socket.sendJson(Map.of("type", "subscribe", "channel", "leads"));
        socket.awaitType("subscribed", WAIT);
        return socket;
    }

    private static void publish(Connection nats, String prefix, int count) {
        try {
            JetStream jetStream = nats.jetStream();
            for (int batch = 0; batch < count; batch += 250) {
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
                for (int i = batch; i < Math.min(count, batch + 250); i++) {
                    LeadCreated lead = new LeadCreated(prefix + i, "Lead " + i, "instances test", "plumbing", "Austin",
                            "TX", "medium", "residential", 2, 10, 3, Instant.now());
                    EventEnvelope<LeadCreated> envelope = EventEnvelope.of(Channels.LEADS, lead);
                    acks.add(jetStream.publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope)));
                }
                acks.forEach(CompletableFuture::join);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> leadFrames(TestSocket socket, String prefix) {
        return socket.frames().stream().map(TestSocket.Frame::json)
                .filter(json -> json != null && "lead_created".equals(json.path("type").asText())
                        && json.path("data").path("id").asText().startsWith(prefix))
                .toList();
    }

    private static List<String> leadIds(TestSocket socket, String prefix) {
        return ids(leadFrames(socket, prefix));
    }

    private static List<String> ids(List<JsonNode> frames) {
        return frames.stream().map(json -> json.path("data").path("id").asText()).toList();
    }

    private static List<String> expectedIds(String prefix, int count) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return List.copyOf(ids);
    }

    private static void assertStrictlyIncreasingSeq(List<JsonNode> frames) {
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).path("seq").asLong()).isGreaterThan(frames.get(i - 1).path("seq").asLong());
        }
    }
}
