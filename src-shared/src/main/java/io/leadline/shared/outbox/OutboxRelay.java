package io.leadline.shared.outbox;

import io.agroal.api.AgroalDataSource;
import io.leadline.shared.nats.NatsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes outbox rows to JetStream in {@code seq} order, with {@code Nats-Msg-Id} set to the event
 * id so that a publish repeated after a crash is dropped by the stream's duplicate window.
 *
 * <p>It runs on one thread, woken right after each commit that wrote events and every poll interval;
 * the poll picks up whatever a crash between commit and publish left behind. A transaction-scoped
 * advisory lock keeps a single relay at work when several instances share a database, so the
 * publish order stays the commit order of causally related events. When another instance holds the
 * lock, the drain is tried again a few times after a short delay
 * ({@code leadline.outbox.lock-retry-delay}, {@code lock-retries}): the other instance may have read
 * its batch before our commit, and our events should not wait for the next poll.
 *
 * <p>A row whose publish fails, also synchronously (for example a payload over the server's limit
 * or a full reconnect buffer), ends the batch there: the rows acknowledged before it are marked
 * published, the rest wait for the next attempt, in order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The transaction-scoped advisory lock that keeps one relay per database at work. */
    public static final long ADVISORY_LOCK_KEY = 0x4c6561646c696e65L; // "Leadline"
    private static final int INCOMPLETE = -1;
    private static final int LOCK_BUSY = -2;

    private static final String SELECT_UNPUBLISHED = """
            SELECT seq, event_id, subject, payload, created_at FROM outbox
            WHERE published_at IS NULL ORDER BY seq LIMIT ?""";
    private static final String MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE seq = ANY (?)";
    private static final String PRUNE = "DELETE FROM outbox WHERE published_at < ?";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Connection nats;

    @Inject
    NatsConfig natsConfig;

    @Inject
    OutboxConfig config;

    @Inject
    MeterRegistry registry;

    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ScheduledThreadPoolExecutor executor;
    private JetStream jetStream;
    private Counter published;
    private Counter failures;
    private Counter lockBusy;
    private Timer commitToAck;

    void start(@Observes StartupEvent event) throws IOException {
        jetStream = nats.jetStream();
        published = registry.counter("leadline.outbox.published");
        failures = registry.counter("leadline.outbox.publish.failures");
        lockBusy = registry.counter("leadline.outbox.lock.busy");
        commitToAck = Timer.builder("leadline.outbox.lag")
                .description("time from writing an event to its acknowledgement by the stream")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        wake();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (executor != null) {
            executor.shutdown();
            executor.awaitTermination(natsConfig.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Asks for a drain; cheap and safe to call from any thread, any number of times. */
    public void wake() {
        if (executor != null && !executor.isShutdown() && drainScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(() -> drain(0));
            } catch (RuntimeException rejected) {
                drainScheduled.set(false);
            }
        }
    }

    @Scheduled(every = "${leadline.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
    }

    @Scheduled(every = "${leadline.outbox.prune-interval:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        Timestamp cutoff = Timestamp.from(java.time.Instant.now().minus(config.retention()));
        QuarkusTransaction.requiringNew().run(() -> {
            try (var connection = dataSource.getConnection(); var delete = connection.prepareStatement(PRUNE)) {
                delete.setTimestamp(1, cutoff);
                int pruned = delete.executeUpdate();
                if (pruned > 0) {
                    LOG.debugf("pruned %d published outbox rows", pruned);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** {@code lockMisses}: how many times in a row this drain found the lock taken by another instance. */
    private void drain(int lockMisses) {
        if (lockMisses == 0) {
            drainScheduled.set(false);
        }
        try {
            int count;
            do {
                count = QuarkusTransaction.requiringNew().call(this::publishBatch);
            } while (count == config.batchSize() && !executor.isShutdown());
            if (count == LOCK_BUSY) {
                lockBusy.increment();
                retryForLock(lockMisses + 1);
            } else if (count == INCOMPLETE) {
                failures.increment();
                LOG.warn("outbox publish not acknowledged by the stream; the poller will retry");
            }
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("outbox publish failed, will retry: %s", rootMessage(e));
        }
    }

    /** Another instance is relaying and may have read its batch before our commit: look again soon. */
    private void retryForLock(int lockMisses) {
        if (lockMisses > config.lockRetries() || executor.isShutdown()) {
            return; // the poll picks it up
        }
        try {
            executor.schedule(() -> drain(lockMisses), config.lockRetryDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            LOG.debug("outbox relay shutting down; no retry");
        }
    }

    private int publishBatch() throws SQLException {
        try (var connection = dataSource.getConnection()) {
            try (var lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, ADVISORY_LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return LOCK_BUSY; // another instance is relaying
                    }
                }
            }
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT_UNPUBLISHED)) {
                select.setInt(1, config.batchSize());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getTimestamp(5).getTime()));
                    }
                }
            }
            if (rows.isEmpty()) {
                return 0;
            }
            List<Long> acknowledged = publish(rows);
            try (PreparedStatement mark = connection.prepareStatement(MARK_PUBLISHED)) {
                mark.setArray(1, connection.createArrayOf("bigint", acknowledged.toArray()));
                mark.executeUpdate();
            }
            published.increment(acknowledged.size());
            return acknowledged.size() < rows.size() ? INCOMPLETE : rows.size();
        }
    }

    /**
     * Publishes in order on one connection and returns the seqs the stream acknowledged, in order. A
     * row that cannot even be sent ends the sending: nothing after it may overtake it.
     */
    private List<Long> publish(List<Row> rows) {
        String stream = natsConfig.stream().name();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            PublishOptions options = PublishOptions.builder().messageId(row.eventId()).expectedStream(stream).build();
            try {
                acks.add(jetStream.publishAsync(row.subject(), row.payload().getBytes(StandardCharsets.UTF_8), options));
            } catch (RuntimeException e) {
                LOG.warnf("cannot publish outbox row %d (event %s, %s): %s; later rows wait for it", row.seq(),
                        row.eventId(), row.subject(), rootMessage(e));
                break;
            }
        }
        List<Long> acknowledged = new ArrayList<>(acks.size());
        long deadline = System.nanoTime() + natsConfig.requestTimeout().toNanos();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                // keep the order: nothing after the first failure counts as published
                LOG.debugf("publish of %s not acknowledged: %s", rows.get(i).eventId(), rootMessage(e));
                break;
            }
            acknowledged.add(rows.get(i).seq());
            commitToAck.record(Math.max(0, System.currentTimeMillis() - rows.get(i).createdAtMillis()),
                    TimeUnit.MILLISECONDS);
        }
        return acknowledged;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private record Row(long seq, String eventId, String subject, String payload, long createdAtMillis) {
    }
}
