package io.leadline.shared.outbox;

import io.agroal.api.AgroalDataSource;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
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

/**
 * Writes events into the outbox table inside the caller's transaction: they become visible, and are
 * published, exactly when the state change they describe commits, and never when it rolls back.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT =
            "INSERT INTO outbox (event_id, subject, event_type, payload) VALUES (?, ?, ?, ?)";
    private static final Object WAKE_REGISTERED = new Object();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    OutboxRelay relay;

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
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (EventEnvelope<? extends Event> envelope : envelopes) {
                insert.setString(1, envelope.id());
                insert.setString(2, Channels.subjectOf(envelope.channel()));
                insert.setString(3, envelope.type());
                insert.setString(4, new String(JsonCodec.encode(envelope), StandardCharsets.UTF_8));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to the outbox", e);
        }
        wakeRelayAfterCommit();
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
