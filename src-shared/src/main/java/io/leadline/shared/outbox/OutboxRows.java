package io.leadline.shared.outbox;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link Outbox} stores: the row of each event and the statement that inserts it, after refusing what NATS would refuse.
 *
 * <p>An event the NATS server could never accept (larger than its {@code max_payload}, headers
 * included) is refused here with an {@link Outbox.EventTooLargeException}, so the caller's transaction rolls
 * back instead of a row that would block the relay, which publishes in {@code seq} order.
 */
@ApplicationScoped
public class OutboxRows {

    /** The parameters are a {@link Row}'s fields, in order. */
    static final String INSERT =
            "INSERT INTO outbox (event_id, subject, event_type, payload) VALUES (?, ?, ?, ?)";
    /** Room left for the publish headers ({@code Nats-Msg-Id}, {@code Nats-Expected-Stream}). */
    static final int HEADER_ALLOWANCE = 512;
    /** The NATS server's default {@code max_payload}, until the connection has told us the real one. */
    static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;

    @Inject
    OutboxConfig config;

    @Inject
    io.nats.client.Connection nats;

    private final AtomicLong knownMaxPayload = new AtomicLong(DEFAULT_MAX_PAYLOAD);

    /** One outbox row as {@link #INSERT} takes it. */
    record Row(String eventId, String subject, String eventType, String payload) {

        List<Object> parameters() {
            return List.of(eventId, subject, eventType, payload);
        }
    }

    /** The rows of the envelopes, in order; throws, and nothing is to be written, if one may not be published. */
    List<Row> of(List<? extends EventEnvelope<? extends Event>> envelopes) {
        config.owner().ifPresent(owner -> envelopes.forEach(envelope -> {
            EventType type = EventType.fromWireName(envelope.type());
            if (type.owner() != owner) {
                throw new IllegalArgumentException(type.wireName() + " is published by " + type.owner().token()
                        + ", not by " + owner.token() + "; it was not written");
            }
        }));
        long limit = maxPayload() - HEADER_ALLOWANCE;
        List<Row> rows = new ArrayList<>(envelopes.size());
        for (EventEnvelope<? extends Event> envelope : envelopes) {
            byte[] payload = JsonCodec.encode(envelope);
            if (payload.length > limit) {
                throw new Outbox.EventTooLargeException("event " + envelope.type() + " on " + envelope.channel() + " is "
                        + payload.length + " bytes; the NATS server accepts at most " + limit
                        + " (max_payload less " + HEADER_ALLOWANCE + " for headers), so it was not written");
            }
            rows.add(new Row(envelope.id(), Channels.subjectOf(envelope), envelope.type(),
                    new String(payload, StandardCharsets.UTF_8)));
        }
        return rows;
    }

    /** The envelopes of the pending events, in order. */
    static List<EventEnvelope<Event>> envelopesOf(List<Outbox.Pending> events) {
        return events.stream().map(pending -> EventEnvelope.of(pending.channel(), pending.event())).toList();
    }

    /**
     * The server's {@code max_payload} as the connection last reported it (it is unknown while no
     * server was ever reached: then the NATS default, 1 MiB).
     */
    long maxPayload() {
        long reported = nats.getMaxPayload();
        if (reported > 0) {
            knownMaxPayload.set(reported);
            return reported;
        }
        return knownMaxPayload.get();
    }
}
