package io.leadline.notify.inbox.service;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.escrow.PaymentStatus;
import io.leadline.shared.event.escrow.StatusChange;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.event.user.NotificationRead;
import io.leadline.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the inbox makes of each kind of stream message, without a server. */
class InboxEntriesTest {

    private final Map<String, EscrowPartiesBucket.Parties> known = Map.of("e1", new EscrowPartiesBucket.Parties("b1", "s1"),
            "e2", new EscrowPartiesBucket.Parties("b2", "not an id!"));
    private final InboxEntries entries = new InboxEntries(id -> Optional.ofNullable(known.get(id)));

    @Test
    void aUserNotificationIsOneEntryForThatUserWithItsEventIdAndSeq() {
        EventEnvelope<NotificationMessage> envelope = EventEnvelope.of(Channels.user("u1"),
                new NotificationMessage("Hello", "there", "high", "admin"));
        InboxEntries.Outcome outcome = entries.of(event(7, envelope));

        assertThat(outcome.kind()).isEqualTo(InboxEntries.Kind.STORE);
        assertThat(outcome.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.userId()).isEqualTo("u1");
            assertThat(entry.eventId()).isEqualTo(envelope.id());
            assertThat(entry.streamSeq()).isEqualTo(7);
            assertThat(entry.title()).isEqualTo("Hello");
            assertThat(entry.priority()).isEqualTo("high");
            assertThat(entry.createdAt()).isEqualTo(Instant.ofEpochMilli(envelope.ts()));
        });
    }

    @Test
    void anEscrowStatusChangeIsOneEntryPerPartyWithAValidId() {
        assertThat(entries.of(event(1, EventEnvelope.of(Channels.escrow("e1"), new StatusChange("e1", "HELD", "RELEASED", "b1"))))
                .entries()).extracting(entry -> entry.userId()).containsExactly("b1", "s1");
        assertThat(entries.of(event(2, EventEnvelope.of(Channels.escrow("e2"), new StatusChange("e2", "HELD", "RELEASED", "b2"))))
                .entries()).extracting(entry -> entry.userId()).containsExactly("b2");
    }

    @Test
    void anEscrowWhosePartiesAreUnknownIsParked() {
        InboxEntries.Outcome outcome = entries.of(event(3,
                EventEnvelope.of(Channels.escrow("e9"), new StatusChange("e9", "INITIATED", "HELD", "b"))));
        assertThat(outcome.kind()).isEqualTo(InboxEntries.Kind.PARK);
        assertThat(outcome.escrowId()).isEqualTo("e9");
    }

    @Test
    void eventsThatAreNotInboxMaterialOrOnTheWrongKindOfChannelAreIgnored() {
        List<EventEnvelope<? extends Event>> ignored = List.of(
                EventEnvelope.of(Channels.user("u1"), new NotificationRead(List.of(), true, 0, 0, 0)),
                EventEnvelope.of(Channels.escrow("e1"), new PaymentStatus("e1", "succeeded", "pay_1")));
        for (EventEnvelope<? extends Event> envelope : ignored) {
            assertThat(entries.of(event(4, envelope)).kind()).as(envelope.type()).isEqualTo(InboxEntries.Kind.IGNORE);
        }
        // an event on the wrong kind of channel (envelopes refuse to be built so; raw bytes can still say it)
        String balance = new String(JsonCodec.encode(EventEnvelope.of(Channels.user("u1"),
                new BalanceUpdated(1, 0, 1, "top_up", "r"))), StandardCharsets.UTF_8);
        assertThat(entries.of(raw(4, "ch.payments.escrow.e1", balance)).kind()).isEqualTo(InboxEntries.Kind.IGNORE);
        String status = new String(JsonCodec.encode(EventEnvelope.of(Channels.escrow("e1"),
                new StatusChange("e1", "HELD", "RELEASED", "b"))), StandardCharsets.UTF_8);
        assertThat(entries.of(raw(4, "ch.payments.user.u1", status)).kind()).isEqualTo(InboxEntries.Kind.IGNORE);
        assertThat(entries.of(raw(5, "ch.leads.leads", "{\"type\":\"lead_created\"}")).kind()).isEqualTo(InboxEntries.Kind.IGNORE);
        assertThat(entries.of(raw(6, "ch.notify.user.u1", "")).kind()).isEqualTo(InboxEntries.Kind.IGNORE);
    }

    @Test
    void unreadableInboxMaterialIsDropped() {
        for (String body : List.of("{\"type\":\"notification_message\",", // not JSON
                "{\"type\":\"notification_message\",\"data\":{\"title\":\"no id\"}}",
                "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"type\":\"notification_message\",\"data\":\"not an object\"}")) {
            assertThat(entries.of(raw(8, "ch.notify.user.u1", body)).kind()).as(body).isEqualTo(InboxEntries.Kind.DROP);
        }
    }

    private static InboxEntries.StreamEvent event(long seq, EventEnvelope<?> envelope) {
        return new InboxEntries.StreamEvent(seq, Channels.subjectOf(envelope), JsonCodec.encode(envelope),
                Instant.now());
    }

    private static InboxEntries.StreamEvent raw(long seq, String subject, String body) {
        return new InboxEntries.StreamEvent(seq, subject, body.getBytes(StandardCharsets.UTF_8), Instant.now());
    }
}
