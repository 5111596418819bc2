package io.leadline.notify.inbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.inbox.NewNotification;
import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.notify.routing.EventFrames;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.json.JsonCodec;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What one event of the stream means for the inboxes: entries to store, nothing (not inbox material),
 * an escrow notification to park until its parties are known, or a malformed event to drop. Pure: the
 * escrow parties come from the function it is given.
 */
public final class InboxEntries {

    /** One stream message, as the writer read it. */
    public record StreamEvent(long seq, String subject, byte[] body, Instant publishedAt) {
    }

    public enum Kind {
        /** Not inbox material, or inbox material of the wrong channel kind: nothing to store. */
        IGNORE,
        /** Entries to store, one per recipient. */
        STORE,
        /** An escrow notification whose parties are not known yet. */
        PARK,
        /** Inbox material that cannot be read (no id, no data, not JSON). */
        DROP
    }

    /** The outcome for one event; {@code escrowId} is set for {@link Kind#PARK}. */
    public record Outcome(Kind kind, List<NewNotification> entries, String escrowId) {

        public static final Outcome IGNORED = new Outcome(Kind.IGNORE, List.of(), null);
        static final Outcome DROPPED = new Outcome(Kind.DROP, List.of(), null);

        static Outcome park(String escrowId) {
            return new Outcome(Kind.PARK, List.of(), escrowId);
        }
    }

    private final Function<String, Optional<EscrowPartiesBucket.Parties>> partiesOf;

    public InboxEntries(Function<String, Optional<EscrowPartiesBucket.Parties>> partiesOf) {
        this.partiesOf = partiesOf;
    }

    public Outcome of(StreamEvent event) {
        String channel = Channels.channelOf(event.subject());
        // most of the stream is not inbox material: decide from the type alone, without parsing
        if (!storable(EventType.fromWireName(EventFrames.typeOf(event.body())), channel)) {
            return Outcome.IGNORED;
        }
        EventEnvelope<JsonNode> envelope;
        try {
            envelope = JsonCodec.decodeEnvelope(event.body());
        } catch (RuntimeException e) {
            return Outcome.DROPPED;
        }
        EventType type = EventType.fromWireName(envelope.type()); // the quick look above read the raw bytes
        if (!storable(type, channel)) {
            return Outcome.IGNORED;
        }
        String channelId = Channels.idOf(channel);
        Optional<NotificationText> text = NotificationText.of(type, envelope.data(), channelId);
        if (envelope.id() == null || envelope.id().isBlank() || text.isEmpty()) {
            return Outcome.DROPPED;
        }
        Set<String> recipients = new LinkedHashSet<>();
        if (type.channelKind() == Channels.ChannelKind.USER) {
            recipients.add(channelId);
        } else {
            Optional<EscrowPartiesBucket.Parties> parties = partiesOf.apply(channelId);
            if (parties.isEmpty()) {
                return Outcome.park(channelId);
            }
            addIfId(recipients, parties.get().buyerId());
            addIfId(recipients, parties.get().sellerId());
        }
        String data = JsonCodec.encodeToString(envelope.data());
        Instant at = envelope.ts() > 0 ? Instant.ofEpochMilli(envelope.ts()) : event.publishedAt();
        NotificationText shown = text.get();
        List<NewNotification> entries = recipients.stream()
                .map(user -> new NewNotification(user, envelope.id(), type.wireName(), event.seq(), shown.title(),
                        shown.message(), shown.priority(), data, at))
                .toList();
        return new Outcome(Kind.STORE, entries, null);
    }

    /** Inbox material, on the kind of channel it belongs to (so a user event never names an escrow as a user). */
    public static boolean storable(EventType type, String channel) {
        if (type == null || Channels.kindOf(channel) != type.channelKind()) {
            return false;
        }
        return switch (type) {
            case NOTIFICATION_MESSAGE, LEAD_ALERT, LEAD_DISTRIBUTED, BALANCE_UPDATED, STATUS_CHANGE -> true;
            default -> false;
        };
    }

    private static void addIfId(Set<String> recipients, String userId) {
        if (Channels.isId(userId)) {
            recipients.add(userId);
        }
    }
}
