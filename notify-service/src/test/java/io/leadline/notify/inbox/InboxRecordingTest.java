package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.inbox.service.InboxWriter;
import io.leadline.notify.TestBus;
import io.leadline.notify.TestDatabase;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.escrow.PaymentStatus;
import io.leadline.shared.event.escrow.StatusChange;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.leads.LeadDistributed;
import io.leadline.shared.event.leads.LeadScore;
import io.leadline.shared.event.leads.ReadyNotification;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.event.user.NotificationRead;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.leadline.notify.inbox.InboxFixtures.awaitInbox;
import static io.leadline.notify.inbox.InboxFixtures.hasTitle;
import static io.leadline.notify.inbox.InboxFixtures.newUser;
import static io.leadline.notify.inbox.InboxFixtures.publish;
import static io.leadline.notify.inbox.InboxFixtures.token;
import static io.leadline.notify.inbox.InboxFixtures.tree;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Events published to the stream land in the right inboxes, once each. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class InboxRecordingTest {

    @Inject
    Connection nats;

    @Inject
    InboxWriter writer;

    @Test
    void notificationLikeUserEventsAreStoredWithTheirText() throws Exception {
        String user = newUser("rec");
        String channel = Channels.user(user);
        publish(channel, new NotificationMessage("Maintenance", "Down at 2am", "high", "admin"));
        publish(channel, new LeadAlert("lead-7", LeadAlert.COMPETITION, "Competition on your lead",
                "2 others claimed Roof repair", "urgent", 91, 3, 5));
        publish(channel, new LeadDistributed(lead("lead-8"),
                new LeadScore(88, "excellent", new LeadScore.Badge("Hot", "red", "high"), List.of("close by")),
                new ReadyNotification("New lead: Roof repair", "Roof repair in Austin, scored 88", "high")));
        publish(channel, new BalanceUpdated(125, 100, 25, "top_up", "pi_123"));
        publish(channel, new NotificationRead(List.of(1L), false, 0, 0, 0)); // not inbox material
        publish(Channels.LEADS, lead("lead-9")); // another channel entirely
        publish(channel, new NotificationMessage("Last one", "marker", "low", "admin"));

        List<JsonNode> inbox = awaitInbox(token(user), items -> hasTitle(items, "Last one"));

        assertThat(inbox).extracting(item -> item.path("type").asText()).containsExactly(
                "notification_message", "balance_updated", "lead_distributed", "lead_alert", "notification_message");
        JsonNode balance = inbox.get(1);
        assertThat(balance.path("title").asText()).isEqualTo("Credits added");
        assertThat(balance.path("message").asText()).isEqualTo("+25 credits (top up). New balance: 125 credits.");
        assertThat(balance.path("priority").asText()).isEqualTo("normal");
        assertThat(balance.path("data").path("reference").asText()).isEqualTo("pi_123");
        JsonNode distributed = inbox.get(2);
        assertThat(distributed.path("title").asText()).isEqualTo("New lead: Roof repair");
        assertThat(distributed.path("priority").asText()).isEqualTo("high");
        assertThat(distributed.path("data").path("score").path("score").asInt()).isEqualTo(88);
        JsonNode alert = inbox.get(3);
        assertThat(alert.path("title").asText()).isEqualTo("Competition on your lead");
        assertThat(alert.path("priority").asText()).isEqualTo("urgent");
        JsonNode first = inbox.get(4);
        assertThat(first.path("message").asText()).isEqualTo("Down at 2am");
        assertThat(first.path("read").asBoolean()).isFalse();
        assertThat(first.path("seq").asLong()).isPositive();
        assertThat(first.path("event_id").asText()).hasSize(26);
    }

    @Test
    void theSameEventIsStoredOnceHoweverOftenItIsPublished() throws Exception {
        String user = newUser("dup");
        EventEnvelope<NotificationMessage> envelope = EventEnvelope.of(Channels.user(user),
                new NotificationMessage("Once", "only once", "normal", "admin"));
        publish(envelope, envelope.id());
        publish(envelope, envelope.id()); // dropped by the stream's duplicate window
        publish(envelope, "another-message-id"); // kept by the stream: the inbox must drop it
        publish(envelope, null);
        publish(Channels.user(user), new NotificationMessage("After", "marker", "normal", "admin"));

        List<JsonNode> inbox = awaitInbox(token(user), items -> hasTitle(items, "After"));

        assertThat(inbox).extracting(item -> item.path("title").asText()).containsExactly("After", "Once");
        assertThat(inbox.get(1).path("event_id").asText()).isEqualTo(envelope.id());
    }

    @Test
    void escrowStatusChangesReachBothPartiesAndNobodyElse() throws Exception {
        String buyer = newUser("buyer");
        String seller = newUser("seller");
        String bystander = newUser("bystander");
        String escrow = newUser("escrow");
        putParties(escrow, buyer, seller);
        String channel = Channels.escrow(escrow);

        publish(channel, new PaymentStatus(escrow, "succeeded", "pay_1")); // shown live, not stored
        publish(channel, new StatusChange(escrow, "INITIATED", "HELD", buyer));
        publish(channel, new StatusChange(escrow, "HELD", "DISPUTED", seller));
        publish(Channels.user(bystander), new NotificationMessage("Marker", "for the bystander", "low", "x"));

        for (String party : List.of(buyer, seller)) {
            List<JsonNode> inbox = awaitInbox(token(party), items -> items.size() >= 2);
            assertThat(inbox).extracting(item -> item.path("type").asText())
                    .containsExactly("status_change", "status_change");
            assertThat(inbox.get(0).path("title").asText()).isEqualTo("Escrow disputed");
            assertThat(inbox.get(0).path("message").asText())
                    .isEqualTo("Escrow " + escrow + " is now disputed (was held).");
            assertThat(inbox.get(0).path("priority").asText()).isEqualTo("high");
            assertThat(inbox.get(1).path("title").asText()).isEqualTo("Escrow held");
            assertThat(inbox.get(1).path("priority").asText()).isEqualTo("normal");
        }
        assertThat(awaitInbox(token(bystander), items -> hasTitle(items, "Marker"))).hasSize(1);
    }

    @Test
    void aStatusChangeThatArrivesBeforeItsPartiesIsStoredOnceTheyAreKnown() throws Exception {
        String buyer = newUser("early-buyer");
        String seller = newUser("early-seller");
        String escrow = newUser("early-escrow");

        publish(Channels.escrow(escrow), new StatusChange(escrow, "INITIATED", "HELD", buyer));
        putParties(escrow, buyer, seller);

        assertThat(awaitInbox(token(buyer), items -> !items.isEmpty())).singleElement()
                .satisfies(item -> assertThat(item.path("title").asText()).isEqualTo("Escrow held"));
        assertThat(awaitInbox(token(seller), items -> !items.isEmpty())).hasSize(1);
    }

    @Test
    void theInboxPositionFollowsTheStreamAndOneInstanceHoldsTheWriterLease() throws Exception {
        String user = newUser("position");
        publish(Channels.LEADS, lead("lead-10")); // not inbox material: the position passes it too
        publish(Channels.user(user), new NotificationMessage("Counted", "marker", "low", "admin"));
        long head = nats.jetStreamManagement().getStreamInfo("CHANNELS").getStreamState().getLastSequence();

        JsonNode count = tree(given().auth().oauth2(token(user)).get("/api/notifications/unread-count")
                .then().statusCode(200).extract().asString());

        assertThat(count.path("unread_count").asLong()).isEqualTo(1);
        assertThat(count.path("as_of_seq").asLong()).isGreaterThanOrEqualTo(head);
        try (var connection = TestDatabase.connect();
                var statement = connection.createStatement();
                var rs = statement.executeQuery("SELECT stream_seq, writer, lease_until > now() FROM inbox_position")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(head);
            assertThat(rs.getString(2)).isEqualTo(writer.writerId());
            assertThat(rs.getBoolean(3)).as("a current lease").isTrue();
            assertThat(rs.next()).as("a single position row").isFalse();
        }
    }

    private void putParties(String escrow, String buyer, String seller) throws Exception {
        TestBus.putParties(escrow, buyer, seller);
    }

    private static LeadCreated lead(String id) {
        return new LeadCreated(id, "Roof repair", "Leaking roof", "roofing", "Austin", "TX", "high", "residential",
                4, 25, 3, Instant.now());
    }
}
