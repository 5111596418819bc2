package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.notify.session.Subscriptions;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.nats.client.Connection;
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
import java.util.List;
import java.util.Map;
import java.math.BigDecimal;
import io.leadline.shared.event.monitor.FraudAlert;
import io.leadline.shared.event.monitor.MetricsUpdated;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class GatewaySocketTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(1000);

    @TestHTTPResource("/ws")
    URI ws;

    /** Metrics are served on the management interface only. */
    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    @Inject
    Connection nats;

    @Inject
    Subscriptions subscriptions;

    @Test
    void connectedFrameNamesTheUserAndItsOwnChannel() {
        String user = nextUser();
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(user, "provider"))) {
            JsonNode connected = client.awaitType("connected", WAIT);
            assertThat(connected.path("user_id").asText()).isEqualTo(user);
            assertThat(connected.path("channels").get(0).asText()).isEqualTo("user." + user);
            assertThat(connected.path("heartbeat_s").asInt()).isEqualTo(25);
            assertThat(connected.path("token_expires_at").asLong()).isGreaterThan(Instant.now().getEpochSecond());
            assertThat(connected.path("connection_id").asText()).isNotBlank();
        }
    }

    @Test
    void subscriberReceivesEventsOfItsChannelWithTheirSequence() throws Exception {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads", "id", "s1"));
            JsonNode subscribed = client.awaitType("subscribed", WAIT);
            assertThat(subscribed.path("channel").asText()).isEqualTo("leads");
            assertThat(subscribed.path("id").asText()).isEqualTo("s1");

            PublishAck ack = publish(Channels.LEADS, lead("lead-1"));

            JsonNode event = client.awaitType("lead_created", WAIT);
            assertThat(event.path("channel").asText()).isEqualTo("leads");
            assertThat(event.path("seq").asLong()).isEqualTo(ack.getSeqno());
            assertThat(event.path("data").path("id").asText()).isEqualTo("lead-1");
            assertThat(event.path("id").asText()).hasSize(26);
        }
    }

    @Test
    void userChannelIsSubscribedOnConnectAndPrivate() throws Exception {
        String alice = nextUser();
        String bob = nextUser();
        try (WsTestClient aliceSocket = WsTestClient.withHeader(ws, TestTokens.token(alice, "provider"));
                WsTestClient bobSocket = WsTestClient.withHeader(ws, TestTokens.token(bob, "provider"))) {
            aliceSocket.awaitType("connected", WAIT);
            bobSocket.awaitType("connected", WAIT);

            bobSocket.send(Map.of("type", "subscribe", "channel", "user." + alice, "id", "spy"));
            JsonNode refused = bobSocket.awaitType("error", WAIT);
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.path("ref").asText()).isEqualTo("spy");

            publish(Channels.user(alice), new NotificationMessage("Hello", "for alice only", "normal", "admin"));
            publish(Channels.user(bob), new NotificationMessage("Hello", "for bob", "normal", "admin"));

            assertThat(aliceSocket.awaitType("notification_message", WAIT).path("data").path("message").asText())
                    .isEqualTo("for alice only");
            assertThat(bobSocket.awaitType("notification_message", WAIT).path("data").path("message").asText())
                    .isEqualTo("for bob");
        }
    }

    @Test
    void providerCannotWatchPaymentsNorAForeignEscrowButKeepsItsSubscriptions() throws Exception {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads"));
            client.awaitType("subscribed", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "payments.monitor"));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("forbidden");
            client.send(Map.of("type", "subscribe", "channel", "escrow.999"));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("forbidden");

            publish(Channels.LEADS, lead("still-live"));
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("still-live");
        }
    }

    @Test
    void customerMayNotWatchLeadsButAdminMayWatchEverything() {
        try (WsTestClient customer = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "customer"));
                WsTestClient admin = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "admin"))) {
            customer.awaitType("connected", WAIT);
            customer.send(Map.of("type", "subscribe", "channel", "leads"));
            assertThat(customer.awaitType("error", WAIT).path("code").asText()).isEqualTo("forbidden");

            admin.awaitType("connected", WAIT);
            for (String channel : new String[] {"leads", "payments.monitor", "escrow.5"}) {
                admin.send(Map.of("type", "subscribe", "channel", channel));
                assertThat(admin.awaitType("subscribed", WAIT).path("channel").asText()).isEqualTo(channel);
            }
        }
    }

    @Test
    void badFramesGetErrorFramesAndTheConnectionKeepsServing() {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);

            client.send("{not json");
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("bad_request");
            client.send("[1,2]");
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("bad_request");
            client.send("{\"channel\":\"leads\"}");
            assertThat(client.awaitType("error", WAIT).path("message").asText()).contains("type");
            client.send(Map.of("type", "dance", "id", "d1"));
            JsonNode unknown = client.awaitType("error", WAIT);
            assertThat(unknown.path("code").asText()).isEqualTo("unknown_type");
            assertThat(unknown.path("ref").asText()).isEqualTo("d1");
            client.send(Map.of("type", "subscribe"));
            assertThat(client.awaitType("error", WAIT).path("message").asText()).contains("channel");
            client.send(Map.of("type", "subscribe", "channel", "no-such-thing"));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("not_found");
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", -4));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("bad_request");

            client.send(Map.of("type", "ping", "id", "p1"));
            JsonNode pong = client.awaitType("pong", WAIT);
            assertThat(pong.path("id").asText()).isEqualTo("p1");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void upgradesWithoutAValidTokenAreRefusedWith401() {
        String user = nextUser();
        assertThat(WsTestClient.upgradeStatus(ws, null, null)).isEqualTo(401);
        assertThat(WsTestClient.upgradeStatus(ws, "Bearer " + TestTokens.forgedToken(user, "provider"), null))
                .isEqualTo(401);
        assertThat(WsTestClient.upgradeStatus(ws, "Bearer " + TestTokens.expiredToken(user, "provider"), null))
                .isEqualTo(401);
        assertThat(WsTestClient.upgradeStatus(ws, "Bearer not-a-jwt", null)).isEqualTo(401);
        URI forgedQuery = WsTestClient.withQuery(ws, "token", TestTokens.forgedToken(user, "provider"));
        assertThat(WsTestClient.upgradeStatus(forgedQuery, null, null)).isEqualTo(401);
        for (String namesNoAccount : new String[] {"someone", "0", "007"}) {
            assertThat(WsTestClient.upgradeStatus(ws, "Bearer " + TestTokens.token(namesNoAccount, "provider"), null))
                    .as("subject %s", namesNoAccount).isEqualTo(401);
        }
    }

    @Test
    void aValidTokenInTheQueryIsNotAccepted() {
        // tokens in URLs end up in access logs: only single-use tickets go there (WsTicketTest)
        URI tokenInQuery = WsTestClient.withQuery(ws, "token", TestTokens.token(nextUser(), "provider"));
        assertThat(WsTestClient.upgradeStatus(tokenInQuery, null, null)).isEqualTo(401);
    }

    @Test
    void foreignOriginIsRefused() {
        String token = TestTokens.token(nextUser(), "provider");
        assertThat(WsTestClient.upgradeStatus(ws, "Bearer " + token, "https://evil.example")).isEqualTo(403);
        try (WsTestClient client = WsTestClient.withOrigin(ws, token, "http://localhost:8080")) {
            client.awaitType("connected", WAIT);
        }
    }

    @Test
    void subscribingWithSinceReplaysMissedEventsThenGoesLive() throws Exception {
        String token = TestTokens.token(nextUser(), "provider");
        long since = publish(Channels.LEADS, lead("before")).getSeqno();
        long first = publish(Channels.LEADS, lead("missed-1")).getSeqno();
        publish(Channels.LEADS, lead("missed-2"));
        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", since));
            assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
            JsonNode missed1 = client.awaitType("lead_created", WAIT);
            assertThat(missed1.path("seq").asLong()).isEqualTo(first);
            assertThat(missed1.path("data").path("id").asText()).isEqualTo("missed-1");
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("missed-2");
            publish(Channels.LEADS, lead("live"));
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("live");
        }
    }

    @Test
    void subscribingAgainWithSinceReplaysTheOwnUserChannel() throws Exception {
        String user = nextUser();
        long since = publish(Channels.user(user), new NotificationMessage("one", "first", "normal", "admin")).getSeqno();
        publish(Channels.user(user), new NotificationMessage("two", "missed", "normal", "admin"));
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(user, "provider"))) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "user." + user, "since", since));
            assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
            assertThat(client.awaitType("notification_message", WAIT).path("data").path("message").asText())
                    .isEqualTo("missed");
        }
    }

    @Test
    void paymentsMonitorSubscriptionsMayFilterByKind() throws Exception {
        try (WsTestClient admin = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "admin"))) {
            admin.awaitType("connected", WAIT);
            admin.send(Map.of("type", "subscribe", "channel", "payments.monitor", "filter", Map.of("kinds", List.of("fraud"))));
            admin.awaitType("subscribed", WAIT);
            publish(Channels.PAYMENTS_MONITOR, new MetricsUpdated(1, BigDecimal.ONE, BigDecimal.TEN, "24h"));
            publish(Channels.PAYMENTS_MONITOR, new FraudAlert("velocity", "high", "tx-1", "cus-1", "6 payments", Map.of("count", 6)));
            JsonNode first = admin.await(frame -> frame.has("seq"), WAIT);
            assertThat(first.path("type").asText()).isEqualTo("fraud_alert");

            admin.send(Map.of("type", "subscribe", "channel", "payments.monitor", "filter", Map.of("kinds", List.of("nope"))));
            assertThat(admin.awaitType("error", WAIT).path("code").asText()).isEqualTo("bad_request");
            admin.send(Map.of("type", "subscribe", "channel", "leads", "filter", Map.of("kinds", List.of("fraud"))));
            assertThat(admin.awaitType("error", WAIT).path("message").asText()).contains("payments.monitor");
        }
    }

    @Test
    void gatewayMetricsCountConnectionsDeliveriesAndLatency() throws Exception {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads"));
            client.awaitType("subscribed", WAIT);
            publish(Channels.LEADS, lead("measured"));
            client.awaitType("lead_created", WAIT);
            String metrics = io.restassured.RestAssured.given().baseUri(managementRoot.resolve("/").toString())
                    .get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).contains("leadline_gateway_connections ", "leadline_gateway_subscriptions ",
                    "leadline_gateway_deliveries_total", "leadline_gateway_frames_out_total",
                    "leadline_gateway_bytes_in_total", "leadline_gateway_delivery_latency_seconds_bucket");
            assertThat(metrics).doesNotContain("token=");
        }
    }

    @Test
    void twoBrowserTabsAndAPhoneOfOneUserAllReceiveTheSameEvents() throws Exception {
        String user = nextUser();
        String token = TestTokens.token(user, "provider");
        try (WsTestClient tab1 = WsTestClient.asBrowser(ws, token, "http://localhost:8080");
                WsTestClient tab2 = WsTestClient.asBrowser(ws, token, "http://localhost:8080");
                WsTestClient phone = WsTestClient.withHeader(ws, token)) {
            for (WsTestClient connection : List.of(tab1, tab2, phone)) {
                assertThat(connection.awaitType("connected", WAIT).path("user_id").asText()).isEqualTo(user);
            }
            long seq = publish(Channels.user(user), new NotificationMessage("Hi", "to every device", "normal", "admin"))
                    .getSeqno();
            for (WsTestClient connection : List.of(tab1, tab2, phone)) {
                JsonNode event = connection.awaitType("notification_message", WAIT);
                assertThat(event.path("seq").asLong()).isEqualTo(seq);
                assertThat(event.path("data").path("message").asText()).isEqualTo("to every device");
            }
        }
    }

    @Test
    void refreshReplacesTheTokenInBand() {
        String user = nextUser();
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(user, "provider", Duration.ofMinutes(5)))) {
            long first = client.awaitType("connected", WAIT).path("token_expires_at").asLong();
            client.send(Map.of("type", "refresh", "token", TestTokens.token(user, "provider", Duration.ofHours(2)),
                    "id", "r1"));
            JsonNode refreshed = client.awaitType("refreshed", WAIT);
            assertThat(refreshed.path("token_expires_at").asLong()).isGreaterThan(first);

            client.send(Map.of("type", "refresh", "token", TestTokens.token(nextUser(), "provider")));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("token_invalid");
            client.send(Map.of("type", "refresh", "token", TestTokens.forgedToken(user, "provider")));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("token_invalid");
        }
    }

    @Test
    void connectionIsClosedWith4001WhenItsTokenExpires() {
        String user = nextUser();
        // long enough to outlive a slow handshake on a loaded machine; the close comes at expiry plus the clock skew
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(user, "provider", Duration.ofSeconds(5)))) {
            client.awaitType("connected", WAIT);
            assertThat(client.awaitClose(Duration.ofSeconds(60))).isEqualTo(4001);
        }
    }

    /**
     * A user's own channel starts with one subscriber (a compact entry in the subscription index), gains a second
     * socket and a third, loses them in another order, and is gone from the index with the last one: each open
     * socket receives every event meanwhile, a closed one none.
     */
    @Test
    void aUsersChannelReachesEachOfItsSocketsAsTheyComeAndGo() throws Exception {
        String user = nextUser();
        String channel = Channels.user(user);
        String token = TestTokens.token(user, "provider");
        WsTestClient first = WsTestClient.withHeader(ws, token);
        first.awaitType("connected", WAIT);
        publish(channel, new NotificationMessage("n", "one", "normal", "admin"));
        assertThat(first.awaitType("notification_message", WAIT).path("data").path("message").asText()).isEqualTo("one");

        WsTestClient second = WsTestClient.withHeader(ws, token);
        second.awaitType("connected", WAIT);
        WsTestClient third = WsTestClient.withHeader(ws, token);
        third.awaitType("connected", WAIT);
        publish(channel, new NotificationMessage("n", "three", "normal", "admin"));
        for (WsTestClient socket : List.of(first, second, third)) {
            assertThat(socket.await(f -> "three".equals(f.path("data").path("message").asText()), WAIT)).isNotNull();
        }

        first.close();
        awaitSubscribers(channel, 2);
        publish(channel, new NotificationMessage("n", "two left", "normal", "admin"));
        for (WsTestClient socket : List.of(second, third)) {
            assertThat(socket.await(f -> "two left".equals(f.path("data").path("message").asText()), WAIT)).isNotNull();
        }
        third.close();
        awaitSubscribers(channel, 1);
        publish(channel, new NotificationMessage("n", "one left", "normal", "admin"));
        assertThat(second.await(f -> "one left".equals(f.path("data").path("message").asText()), WAIT)).isNotNull();
        second.close();
        awaitSubscribers(channel, 0);
        assertThat(subscriptions.keys()).doesNotContain(channel);

        try (WsTestClient again = WsTestClient.withHeader(ws, token)) {
            again.awaitType("connected", WAIT);
            publish(channel, new NotificationMessage("n", "again", "normal", "admin"));
            assertThat(again.awaitType("notification_message", WAIT).path("data").path("message").asText()).isEqualTo("again");
            assertThat(subscriptions.count(channel)).isEqualTo(1);
        }
        assertThat(first.seen()).noneMatch(frame -> frame.contains("two left") || frame.contains("again"));
    }

    private void awaitSubscribers(String channel, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (subscriptions.count(channel) != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(subscriptions.count(channel)).isEqualTo(count);
    }

    private PublishAck publish(String channel, io.leadline.shared.event.Event event) throws Exception {
        EventEnvelope<?> envelope = EventEnvelope.of(channel, event);
        return TestBus.publish(envelope, envelope.id());
    }

    private static LeadCreated lead(String id) {
        return new LeadCreated(id, "Roof repair", "Leaking roof", "roofing", "Austin", "TX", "high", "residential",
                4, 25, 3, Instant.now());
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
