package io.leadline.notify.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
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
