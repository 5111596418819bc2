package io.leadline.shared.outbox;

import io.agroal.api.AgroalDataSource;
import io.leadline.shared.nats.NatsConfig;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * published, the rest wait for the next attempt, in order ({@link OutboxPublisher}).
 *
 * <p>A service that writes its outbox on Hibernate Reactive relays it with {@link ReactiveOutboxRelay}
 * instead, and does not have this bean.
 */
@ApplicationScoped
@IfBuildProperty(name = "leadline.outbox.reactive", stringValue = "false", enableIfMissing = true)
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The transaction-scoped advisory lock that keeps one relay per database at work. */
    public static final long ADVISORY_LOCK_KEY = RelayStatements.ADVISORY_LOCK_KEY;
    private static final int INCOMPLETE = -1;
    private static final int LOCK_BUSY = -2;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    NatsConfig natsConfig;

    @Inject
    OutboxConfig config;

    @Inject
    OutboxPublisher publisher;

    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ScheduledThreadPoolExecutor executor;

    void start(@Observes StartupEvent event) {
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
            try (var connection = dataSource.getConnection(); var delete = connection.prepareStatement(RelayStatements.PRUNE)) {
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
                publisher.countLockBusy();
                retryForLock(lockMisses + 1);
            } else if (count == INCOMPLETE) {
                publisher.countFailure();
                LOG.warn("outbox publish not acknowledged by the stream; the poller will retry");
            }
        } catch (RuntimeException e) {
            publisher.countFailure();
            LOG.warnf("outbox publish failed, will retry: %s", OutboxPublisher.rootMessage(e));
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
            try (var lock = connection.prepareStatement(RelayStatements.TRY_LOCK)) {
                lock.setLong(1, ADVISORY_LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return LOCK_BUSY; // another instance is relaying
                    }
                }
            }
            List<OutboxPublisher.Unpublished> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(RelayStatements.SELECT_UNPUBLISHED)) {
                select.setInt(1, config.batchSize());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new OutboxPublisher.Unpublished(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getTimestamp(5).getTime()));
                    }
                }
            }
            if (rows.isEmpty()) {
                return 0;
            }
            List<Long> acknowledged = awaitPublished(rows);
            try (PreparedStatement mark = connection.prepareStatement(RelayStatements.MARK_PUBLISHED)) {
                mark.setArray(1, connection.createArrayOf("bigint", acknowledged.toArray()));
                mark.executeUpdate();
            }
            return acknowledged.size() < rows.size() ? INCOMPLETE : rows.size();
        }
    }

    /** The publisher never fails its future: an interrupted wait counts nothing as published. */
    private List<Long> awaitPublished(List<OutboxPublisher.Unpublished> rows) {
        try {
            return publisher.publish(rows).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
