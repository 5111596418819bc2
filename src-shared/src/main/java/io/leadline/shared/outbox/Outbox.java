package io.leadline.shared.outbox;

import io.leadline.shared.database.NativeSql;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes events into the outbox table on the session of the caller's Hibernate Reactive transaction:
 * they become visible, and are published, exactly when the state change they describe commits, and
 * never when it rolls back. The rows, and what is refused, are {@link OutboxRows}'; {@link OutboxRelay}
 * publishes them.
 */
@ApplicationScoped
public class Outbox {

    /** An event larger than the NATS server accepts; it was not written. */
    public static final class EventTooLargeException extends IllegalArgumentException {

        public EventTooLargeException(String message) {
            super(message);
        }
    }

    /** A channel and the event to publish on it. */
    public record Pending(String channel, Event event) {
    }

    @Inject
    OutboxRows rows;

    @Inject
    OutboxRelay relay;

    /**
     * Runs {@code work} in a new transaction, or in the current one, and asks the relay to publish once it
     * has committed: without the nudge, what it wrote would wait for the relay's next poll.
     */
    public <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).invoke(relay::wake);
    }

    /**
     * After the transaction that wrote events committed: completes with {@code true} once they are in the
     * stream, so that anything published after it follows them there; with {@code false} when
     * {@code maxWait} passed first. Never fails (see {@link OutboxRelay#awaitPublished}).
     */
    public Uni<Boolean> awaitPublished(Duration maxWait) {
        return relay.awaitPublished(maxWait);
    }

    /** Writes one event in the current transaction. */
    public <E extends Event> Uni<EventEnvelope<E>> append(String channel, E event) {
        EventEnvelope<E> envelope = EventEnvelope.of(channel, event);
        return insert(List.of(envelope)).replaceWith(envelope);
    }

    /** Writes the events, in order, in the current transaction. */
    public Uni<List<EventEnvelope<Event>>> appendAll(List<Outbox.Pending> events) {
        List<EventEnvelope<Event>> envelopes = OutboxRows.envelopesOf(events);
        return insert(envelopes).replaceWith(envelopes);
    }

    private Uni<Void> insert(List<? extends EventEnvelope<? extends Event>> envelopes) {
        if (envelopes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> rows.of(envelopes))
                .flatMap(batch -> Panache.currentTransaction().flatMap(transaction -> {
                    if (transaction == null) {
                        return Uni.createFrom().failure(new IllegalStateException(
                                "the outbox is written only inside a transaction, with the change it announces"));
                    }
                    return insertInOrder(batch);
                }));
    }

    /** One statement after the other: a session runs one at a time, and the order is the relay's order. */
    private static Uni<Void> insertInOrder(List<OutboxRows.Row> batch) {
        Uni<Void> written = Uni.createFrom().voidItem();
        for (OutboxRows.Row row : batch) {
            written = written.chain(() -> NativeSql.execute(OutboxRows.INSERT, row.parameters().toArray())
                    .replaceWithVoid());
        }
        return written;
    }
}
