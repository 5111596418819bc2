package io.leadline.system.harness;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.TestDatabases;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Events written into a service's outbox table at a steady rate, in small transactions, as the service's
 * own operations write them (the envelope as JSON, its subject and type, the event id): the service's real
 * relay publishes them. A business operation makes a few events in many round trips; this makes ten
 * thousand in a minute on a loaded machine, through the same relay, stream and gateway.
 */
public final class OutboxFeed {

    private static final Logger LOG = Logger.getLogger(OutboxFeed.class);
    private static final String INSERT = "INSERT INTO outbox (event_id, subject, event_type, payload) VALUES (?, ?, ?, ?)";

    /** A channel and its event, as a service would append it. */
    public record Pending(String channel, Event event) {
    }

    private final String database;
    private final List<EventEnvelope<Event>> written = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean stopped;

    public OutboxFeed(ServiceProcess service) {
        this.database = service.database();
    }

    /**
     * Writes {@code total} events, {@code perBatch} per transaction every {@code interval}, in the
     * background; {@code eventOf} gives event {@code i}. Completes when the last is committed, or when
     * {@link #stop()} ends the writing earlier.
     */
    public CompletableFuture<Void> write(int total, int perBatch, Duration interval, IntFunction<Pending> eventOf) {
        stopped = false;
        return CompletableFuture.runAsync(() -> {
            try (Connection connection = TestDatabases.connect(database)) {
                connection.setAutoCommit(false);
                long next = System.nanoTime();
                for (int first = 0; first < total && !stopped; first += perBatch) {
                    List<EventEnvelope<Event>> batch = new ArrayList<>(perBatch);
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        for (int i = first; i < Math.min(total, first + perBatch); i++) {
                            Pending pending = eventOf.apply(i);
                            EventEnvelope<Event> envelope = EventEnvelope.of(pending.channel(), pending.event());
                            insert.setString(1, envelope.id());
                            insert.setString(2, Channels.subjectOf(envelope));
                            insert.setString(3, envelope.type());
                            insert.setString(4, JsonCodec.encodeToString(envelope));
                            insert.addBatch();
                            batch.add(envelope);
                        }
                        insert.executeBatch();
                    }
                    connection.commit();
                    synchronized (this) {
                        written.addAll(batch);
                    }
                    count.addAndGet(batch.size());
                    next += interval.toNanos();
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                LOG.infof("%d events written into the outbox of %s", written(), database);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write into the outbox of " + database, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Ends the writing after the batch under way. */
    public void stop() {
        stopped = true;
    }

    /** How many events were committed so far. */
    public int written() {
        return count.get();
    }

    /** The ids of the events committed on {@code channel}, in the order they were written. */
    public synchronized List<String> idsOn(String channel) {
        return written.stream().filter(envelope -> envelope.channel().equals(channel)).map(EventEnvelope::id).toList();
    }

    /** Every event committed so far, in order. */
    public synchronized List<EventEnvelope<Event>> envelopes() {
        return List.copyOf(written);
    }

    /** Rows of the outbox the relay has published, and rows it has not. */
    public record Backlog(long published, long unpublished) {
    }

    /** Whether the relay has published the event (its row is marked). */
    public boolean isPublished(String eventId) {
        try (Connection connection = TestDatabases.connect(database);
                PreparedStatement query = connection.prepareStatement("SELECT published_at IS NOT NULL FROM outbox WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outbox of " + database, e);
        }
    }

    public Backlog backlog() {
        try (Connection connection = TestDatabases.connect(database);
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FILTER (WHERE published_at IS NOT NULL), count(*) FILTER (WHERE published_at IS NULL) FROM outbox");
                ResultSet rows = query.executeQuery()) {
            rows.next();
            return new Backlog(rows.getLong(1), rows.getLong(2));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outbox of " + database, e);
        }
    }
}
