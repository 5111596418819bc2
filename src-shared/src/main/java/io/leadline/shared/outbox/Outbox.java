package io.leadline.shared.outbox;

import io.agroal.api.AgroalDataSource;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes events into the outbox table inside the caller's JTA transaction: they become visible, and
 * are published, exactly when the state change they describe commits, and never when it rolls back.
 * The rows, and what is refused, are {@link OutboxRows}'; {@link ReactiveOutbox} writes the same rows
 * in a Hibernate Reactive transaction, and a service that uses it does not have this bean.
 */
@ApplicationScoped
@IfBuildProperty(name = "leadline.outbox.reactive", stringValue = "false", enableIfMissing = true)
public class Outbox {

    private static final Object WAKE_REGISTERED = new Object();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxRows rows;

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
        List<EventEnvelope<Event>> envelopes = OutboxRows.envelopesOf(events);
        insert(envelopes);
        return envelopes;
    }

    private void insert(List<? extends EventEnvelope<? extends Event>> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        List<OutboxRows.Row> batch = rows.of(envelopes);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(OutboxRows.INSERT)) {
            for (OutboxRows.Row row : batch) {
                List<Object> parameters = row.parameters();
                for (int i = 0; i < parameters.size(); i++) {
                    insert.setObject(i + 1, parameters.get(i));
                }
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
