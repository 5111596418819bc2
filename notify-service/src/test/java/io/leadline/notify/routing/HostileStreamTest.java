package io.leadline.notify.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.monitor.FraudAlert;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.nats.client.JetStream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus is not trusted: messages that a process with some service's credentials puts on the stream —
 * empty, not UTF-8, not JSON, of an unknown type, speaking for another service, or for another channel —
 * reach no socket and no inbox, and neither live delivery nor recovery of the channel breaks on them.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class HostileStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/ws")
    URI ws;

    /** The management interface (its root path is /q/): metrics are served there only. */
    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void unfitMessagesAreDroppedAndDeliveryAndRecoveryGoOn() throws Exception {
        String user = Long.toString(System.currentTimeMillis()); // an account id no other test uses
        String token = TestTokens.token(user, "provider");
        JetStream leads = TestBus.as(NatsIdentity.LEADS).jetStream();
        long since;
        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads"));
            since = client.awaitType("subscribed", WAIT).path("seq").asLong();

            // what a compromised leads-service (or a bug) could put on the stream
            EventEnvelope<BalanceUpdated> forgedBalance = EventEnvelope.of(Channels.user(user),
                    new BalanceUpdated(1_000_000, 0, 1_000_000, "gift", "forged"));
            EventEnvelope<NotificationMessage> forgedNote = EventEnvelope.of(Channels.user(user),
                    new NotificationMessage("Forged", "from leads", "urgent", "admin"));
            leads.publish("ch.leads.user." + user, JsonCodec.encode(forgedBalance)); // payments' event
            leads.publish("ch.leads.user." + user, JsonCodec.encode(forgedNote)); // notify's event
            leads.publish("ch.leads.leads", new byte[0]);
            leads.publish("ch.leads.leads", new byte[] {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'});
            leads.publish("ch.leads.leads", "{\"type\":\"lead_created\",\"data\":".getBytes(StandardCharsets.UTF_8));
            leads.publish("ch.leads.leads", "{\"id\":\"x\",\"type\":\"lead_vanished\",\"channel\":\"leads\",\"data\":{}}"
                    .getBytes(StandardCharsets.UTF_8));
            leads.publish("ch.leads.leads", retargeted(lead("elsewhere"), "payments.monitor"));
            publishLead(leads, "marker");

            JsonNode marker = client.await(frame -> "marker".equals(frame.path("data").path("id").asText()), WAIT);
            assertThat(client.seen()).as("frames before the marker").hasSize(3)
                    .allSatisfy(frame -> assertThat(frame).doesNotContain("forged", "Forged", "lead_vanished", "elsewhere"));
            assertThat(client.isClosed()).isFalse();

            // the user's own socket saw none of the forgeries, nor does the inbox hold them
            try (WsTestClient own = WsTestClient.withHeader(ws, token)) {
                own.awaitType("connected", WAIT);
                own.send(Map.of("type", "subscribe", "channel", Channels.user(user), "since", since));
                assertThat(own.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
                own.send(Map.of("type", "ping", "id", "after-replay"));
                own.await(frame -> "pong".equals(frame.path("type").asText()), WAIT);
                assertThat(own.seen()).noneMatch(frame -> frame.contains("balance_updated") || frame.contains("Forged"));
            }
            given().auth().oauth2(token).get("/api/notifications/unread-count").then().statusCode(200)
                    .body("unread_count", org.hamcrest.Matchers.equalTo(0));
            assertThat(marker.path("seq").asLong()).isGreaterThan(since);
        }

        // recovery across the unfit messages: recovered, only the fit events, the connection kept
        try (WsTestClient client = WsTestClient.withHeader(ws, token)) {
            client.awaitType("connected", WAIT);
            client.send(Map.of("type", "subscribe", "channel", "leads", "since", since));
            assertThat(client.awaitType("subscribed", WAIT).path("recovered").asBoolean()).isTrue();
            JsonNode replayed = client.awaitType("lead_created", WAIT);
            assertThat(replayed.path("data").path("id").asText()).isEqualTo("marker");
            publishLead(leads, "after");
            assertThat(client.awaitType("lead_created", WAIT).path("data").path("id").asText()).isEqualTo("after");
            assertThat(client.isClosed()).isFalse();
        }

        String exposition = given().get(management.resolve("/q/metrics")).then().statusCode(200).extract().asString();
        assertThat(exposition).contains("leadline_gateway_events_rejected_total{reason=\"wrong_owner\"}",
                "leadline_gateway_events_rejected_total{reason=\"not_utf8\"}",
                "leadline_gateway_events_rejected_total{reason=\"not_json\"}",
                "leadline_gateway_events_rejected_total{reason=\"unknown_type\"}",
                "leadline_gateway_events_rejected_total{reason=\"wrong_channel\"}");
    }

    /**
     * The gateway reads an envelope's {@code type} by a scan of its bytes (the monitor kind filters) and
     * puts the stream sequence in front as {@code seq}; a client's JSON parser takes the last of repeated
     * keys. So an envelope that names its own {@code seq}, or whose first {@code "type":"…"} in the bytes is
     * not its type, would show a client a sequence that is not the stream's (its recovery position) or an
     * event of a kind its filter left out: both are dropped, for batching and single-frame clients alike.
     */
    @Test
    void envelopesTheGatewayWouldReadOtherwiseThanItsClientsAreDropped() throws Exception {
        JetStream payments = TestBus.as(NatsIdentity.PAYMENTS).jetStream();
        JetStream leads = TestBus.as(NatsIdentity.LEADS).jetStream();
        try (WsTestClient batched = WsTestClient.withHeader(WsTestClient.withQuery(ws, "batch", "1"),
                TestTokens.token("990001", "admin"));
                WsTestClient single = WsTestClient.withHeader(ws, TestTokens.token("990002", "admin"))) {
            for (WsTestClient client : java.util.List.of(batched, single)) {
                client.awaitType("connected", WAIT);
                client.send(Map.of("type", "subscribe", "channel", "payments.monitor",
                        "filter", Map.of("kinds", java.util.List.of("fraud"))));
                client.awaitType("subscribed", WAIT);
                client.send(Map.of("type", "subscribe", "channel", "leads"));
                client.awaitType("subscribed", WAIT);
            }

            // a metrics update (filtered out) whose first "type":"…" in the bytes is a fraud alert's
            String metrics = new String(JsonCodec.encode(EventEnvelope.of(Channels.PAYMENTS_MONITOR,
                    new MetricsUpdated(1, BigDecimal.ONE, BigDecimal.TEN, "24h"))), StandardCharsets.UTF_8);
            String disguised = metrics.replace("\"type\":\"metrics_updated\",", "\"meta\":{\"type\":\"fraud_alert\"},");
            disguised = disguised.substring(0, disguised.length() - 1) + ",\"type\":\"metrics_updated\"}";
            assertThat(disguised).isNotEqualTo(metrics);
            payments.publish("ch.payments.payments.monitor", disguised.getBytes(StandardCharsets.UTF_8));
            // a lead that names its own sequence, far ahead of the stream's
            String lead = new String(JsonCodec.encode(EventEnvelope.of(Channels.LEADS, lead("seq-forger"))),
                    StandardCharsets.UTF_8);
            leads.publish("ch.leads.leads", (lead.substring(0, lead.length() - 1) + ",\"seq\":9007199254740991}")
                    .getBytes(StandardCharsets.UTF_8));

            EventEnvelope<FraudAlert> alert = EventEnvelope.of(Channels.PAYMENTS_MONITOR,
                    new FraudAlert("marker-rule", "high", "tx-1", "cus-1", "1 payment", Map.of("count", 1)));
            payments.publish(Channels.subjectOf(alert), JsonCodec.encode(alert));
            publishLead(leads, "after-own-seq");

            for (WsTestClient client : java.util.List.of(batched, single)) {
                while (!client.awaitRaw(any -> true, WAIT).contains("after-own-seq")) {
                    // the alert marker comes first, then the lead marker: every frame before is in seen()
                }
                assertThat(client.seen()).as("frames up to the markers").anySatisfy(frame -> assertThat(frame)
                        .contains("marker-rule"));
                assertThat(client.seen()).as("frames up to the markers").noneSatisfy(frame -> assertThat(frame)
                        .containsAnyOf("metrics_updated", "seq-forger", "9007199254740991"));
            }
        }
    }

    private static void publishLead(JetStream leads, String id) throws Exception {
        EventEnvelope<LeadCreated> envelope = EventEnvelope.of(Channels.LEADS, lead(id));
        leads.publish(Channels.subjectOf(envelope), JsonCodec.encode(envelope));
    }

    /** A lead_created envelope that claims another channel than the one it is published on. */
    private static byte[] retargeted(LeadCreated lead, String claimedChannel) {
        String json = new String(JsonCodec.encode(EventEnvelope.of(Channels.LEADS, lead)), StandardCharsets.UTF_8);
        return json.replace("\"channel\":\"leads\"", "\"channel\":\"" + claimedChannel + "\"").getBytes(StandardCharsets.UTF_8);
    }

    private static LeadCreated lead(String id) {
        return new LeadCreated(id, "Roof", "hostile stream test", "roofing", "Austin", "TX", "high", "residential", 1, 10,
                3, Instant.now());
    }
}
