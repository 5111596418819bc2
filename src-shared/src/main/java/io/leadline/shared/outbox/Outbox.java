package io.leadline.shared.outbox;

import io.agroal.api.AgroalDataSource;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes events into the outbox table inside the caller's transaction: they become visible, and are
 * published, exactly when the state change they describe commits, and never when it rolls back.
 *
 * <p>An event the NATS server could never accept (larger than its {@code max_payload}, headers
 * included) is refused here with an {@link EventTooLargeException}, so the caller's transaction rolls
 * back instead of a row that would block the relay, which publishes in {@code seq} order.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT =
            "INSERT INTO outbox (event_id, subject, event_type, payload) VALUES (?, ?, ?, ?)";
    private static final Object WAKE_REGISTERED = new Object();
    /** Room left for the publish headers ({@code Nats-Msg-Id}, {@code Nats-Expected-Stream}). */
    static final int HEADER_ALLOWANCE = 512;
    /** The NATS server's default {@code max_payload}, until the connection has told us the real one. */
    static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxConfig config;

    @Inject
    io.nats.client.Connection nats;

    private final AtomicLong knownMaxPayload = new AtomicLong(DEFAULT_MAX_PAYLOAD);

    /** An event larger than the NATS server accepts; it was not written. */
    public static final class EventTooLargeException extends IllegalArgumentException {

        public EventTooLargeException(String message) {
            super(message);
        }
    }

    /** A channel and the event to publish on it. */
    public record Pending(String channel, Event event) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public <E extends Event> EventEnvelope<E> append(String channel, E event) {
        EventEnvelope<E> envelope = EventEnvelope.of(channel, event);
        insert(List.of(envelope));
        return envelope;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public List<EventEnvelope<Event>> appendAll(List<Pending> events) {
        List<EventEnvelope<Event>> envelopes = events.stream()
                .map(pending -> EventEnvelope.of(pending.channel(), pending.event()))
                .toList();
        insert(envelopes);
        return envelopes;
    }

    private void insert(List<? extends EventEnvelope<? extends Event>> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        config.owner().ifPresent(owner -> envelopes.forEach(envelope -> {
            EventType type = EventType.fromWireName(envelope.type());
            if (type.owner() != owner) {
                throw new IllegalArgumentException(type.wireName() + " is published by " + type.owner().token()
                        + ", not by " + owner.token() + "; it was not written");
            }
        }));
        long limit = maxPayload() - HEADER_ALLOWANCE;
        List<byte[]> payloads = envelopes.stream().map(JsonCodec::encode).toList();
        for (int i = 0; i < payloads.size(); i++) {
            if (payloads.get(i).length > limit) {
                EventEnvelope<? extends Event> envelope = envelopes.get(i);
                throw new EventTooLargeException("event " + envelope.type() + " on " + envelope.channel() + " is "
                        + payloads.get(i).length + " bytes; the NATS server accepts at most " + limit
                        + " (max_payload less " + HEADER_ALLOWANCE + " for headers), so it was not written");
            }
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int i = 0; i < envelopes.size(); i++) {
                EventEnvelope<? extends Event> envelope = envelopes.get(i);
                insert.setString(1, envelope.id());
                insert.setString(2, Channels.subjectOf(envelope));
                insert.setString(3, envelope.type());
                insert.setString(4, new String(payloads.get(i), StandardCharsets.UTF_8));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to the outbox", e);
        }
        wakeRelayAfterCommit();
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

    private void wakeRelayAfterCommit() {
        if (transactions.getResource(WAKE_REGISTERED) != null) {
            return;
        }
        transactions.putResource(WAKE_REGISTERED, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake();
                }
            }
        });
    }
}
