package io.leadline.shared.outbox;

import io.leadline.shared.database.ReactiveContext;
import io.leadline.shared.nats.NatsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the outbox on the reactive PostgreSQL client: rows published in {@code seq} order with {@code Nats-Msg-Id} ({@link OutboxPublisher}), one relay per
 * database through the transaction-scoped advisory lock, a drain right after each commit that wrote
 * events ({@link Outbox}) and every poll interval, a few quick retries when another instance
 * holds the lock, and the batch cut at the first row the stream did not acknowledge.
 *
 * <p>Nothing here blocks a thread. A drain is a chain of batches on one connection taken from the
 * pool for the relay alone, so that holding the lock while acknowledgements arrive never takes a
 * connection from the service's own work; a connection that failed is closed and the next drain takes a new one.
 * At most one drain runs at a time; a wake during a drain makes another one follow it.
 *
 * <p>A caller can wait, without blocking, until what it committed is in the stream
 * ({@link #awaitPublished}): a drain that began after the caller asked and ended with everything it saw
 * acknowledged (the last batch not full, no row left unacknowledged, the lock held) has published every
 * row committed before it began, or found it published by another instance.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int INCOMPLETE = -1;
    private static final int LOCK_BUSY = -2;
    private static final String TRY_LOCK = RelayStatements.numbered(RelayStatements.TRY_LOCK);
    private static final String SELECT_UNPUBLISHED = RelayStatements.numbered(RelayStatements.SELECT_UNPUBLISHED);
    private static final String MARK_PUBLISHED = RelayStatements.numbered(RelayStatements.MARK_PUBLISHED);
    private static final String PRUNE = RelayStatements.numbered(RelayStatements.PRUNE);

    @Inject
    Pool pool;

    @Inject
    NatsConfig natsConfig;

    @Inject
    OutboxConfig config;

    @Inject
    OutboxPublisher publisher;

    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile boolean running;
    private volatile SqlConnection connection;
    private volatile CompletableFuture<Void> drainDone = CompletableFuture.completedFuture(null);
    /** Numbers the callers of {@link #awaitPublished}; a drain covers every number taken before it began. */
    private final AtomicLong publishTickets = new AtomicLong();
    private final ConcurrentLinkedQueue<PublishWaiter> publishWaiters = new ConcurrentLinkedQueue<>();

    /** A caller waiting for every row committed before {@code ticket} was taken to be in the stream. */
    private record PublishWaiter(long ticket, CompletableFuture<Boolean> published) {
    }

    void start(@Observes StartupEvent event) {
        running = true;
        wake();
    }

    /** Lets a drain under way finish its batch (its acknowledgements are due within the request timeout). */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        try {
            drainDone.get(natsConfig.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("outbox relay stopped during a drain: %s", OutboxPublisher.rootMessage(e));
        }
        discardConnection();
        publishWaiters.forEach(waiter -> waiter.published().complete(false));
    }

    /**
     * Completes with {@code true} once every outbox row committed before this call is in the stream (this
     * relay published it, or found it published by another instance), with {@code false} when
     * {@code maxWait} passed first (the stream is unreachable, another instance holds the lock for long, a
     * row cannot be sent). Never fails and never blocks; the item is emitted on the caller's Vert.x
     * context. Call it after the transaction that wrote the rows committed.
     */
    public Uni<Boolean> awaitPublished(Duration maxWait) {
        Executor caller = ReactiveContext.caller();
        PublishWaiter waiter = new PublishWaiter(publishTickets.incrementAndGet(), new CompletableFuture<>());
        publishWaiters.add(waiter);
        wake();
        return Uni.createFrom().completionStage(waiter.published())
                .ifNoItem().after(maxWait).recoverWithItem(() -> {
                    LOG.debugf("outbox rows not in the stream within %s; answering without waiting longer", maxWait);
                    return false;
                })
                .eventually(() -> publishWaiters.remove(waiter))
                .emitOn(caller);
    }

    /** Asks for a drain; cheap and safe to call from any thread, any number of times. */
    public void wake() {
        wakeRequested.set(true);
        startDrain(0);
    }

    @Scheduled(every = "${leadline.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
    }

    @Scheduled(every = "${leadline.outbox.prune-interval:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> prune() {
        OffsetDateTime cutoff = Instant.now().minus(config.retention()).atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(PRUNE).execute(Tuple.of(cutoff))
                .invoke(deleted -> {
                    if (deleted.rowCount() > 0) {
                        LOG.debugf("pruned %d published outbox rows", deleted.rowCount());
                    }
                })
                .replaceWithVoid();
    }

    /** {@code lockMisses}: how many times in a row this drain found the lock taken by another instance. */
    private void startDrain(int lockMisses) {
        if (!running || !draining.compareAndSet(false, true)) {
            return;
        }
        wakeRequested.set(false);
        // every row committed before a waiter took its ticket is visible to this drain
        long covered = publishTickets.get();
        CompletableFuture<Void> done = new CompletableFuture<>();
        drainDone = done;
        drainBatches().subscribe().with(
                count -> {
                    if (count >= 0 && count < config.batchSize()) {
                        releaseWaiters(covered); // all it saw is acknowledged: nothing older is left unpublished
                    }
                    finish(done);
                    if (count == LOCK_BUSY) {
                        publisher.countLockBusy();
                        retryForLock(lockMisses + 1);
                    } else if (count == INCOMPLETE) {
                        publisher.countFailure();
                        LOG.warn("outbox publish not acknowledged by the stream; the poller will retry");
                    }
                },
                failure -> {
                    discardConnection();
                    finish(done);
                    publisher.countFailure();
                    LOG.warnf("outbox publish failed, will retry: %s", OutboxPublisher.rootMessage(failure));
                });
    }

    private void releaseWaiters(long covered) {
        for (PublishWaiter waiter : publishWaiters) {
            if (waiter.ticket() <= covered) {
                waiter.published().complete(true);
            }
        }
    }

    private void finish(CompletableFuture<Void> done) {
        draining.set(false);
        done.complete(null);
        if (wakeRequested.get()) {
            startDrain(0);
        }
    }

    /** Another instance is relaying and may have read its batch before our commit: look again soon. */
    private void retryForLock(int lockMisses) {
        if (lockMisses > config.lockRetries() || !running) {
            return; // the poll picks it up
        }
        Uni.createFrom().voidItem()
                .onItem().delayIt().by(config.lockRetryDelay())
                .subscribe().with(retry -> startDrain(lockMisses));
    }

    /** Batch after batch while they come full; the last batch's count, or why the drain stopped. */
    private Uni<Integer> drainBatches() {
        return relayConnection()
                .flatMap(this::publishBatch)
                .flatMap(count -> count == config.batchSize() && running ? drainBatches() : Uni.createFrom().item(count));
    }

    private Uni<SqlConnection> relayConnection() {
        SqlConnection current = connection;
        if (current != null) {
            return Uni.createFrom().item(current);
        }
        return pool.getConnection().invoke(opened -> connection = opened);
    }

    private void discardConnection() {
        SqlConnection current = connection;
        connection = null;
        if (current != null) {
            current.close().subscribe().with(closed -> { }, failure -> { });
        }
    }

    /** One transaction: the lock, the batch, its publishing and the marking of what the stream acknowledged. */
    private Uni<Integer> publishBatch(SqlConnection connection) {
        return connection.begin().flatMap(transaction -> connection.preparedQuery(TRY_LOCK)
                .execute(Tuple.of(RelayStatements.ADVISORY_LOCK_KEY))
                .flatMap(locked -> locked.iterator().next().getBoolean(0)
                        ? selectAndPublish(connection)
                        : Uni.createFrom().item(LOCK_BUSY)) // another instance is relaying
                .call(transaction::commit)
                .onFailure().call(() -> rollback(transaction)));
    }

    private static Uni<Void> rollback(Transaction transaction) {
        return transaction.rollback().onFailure().recoverWithNull();
    }

    private Uni<Integer> selectAndPublish(SqlConnection connection) {
        return connection.preparedQuery(SELECT_UNPUBLISHED).execute(Tuple.of(config.batchSize()))
                .flatMap(selected -> {
                    List<OutboxPublisher.Unpublished> rows = new ArrayList<>(selected.size());
                    for (Row row : selected) {
                        rows.add(new OutboxPublisher.Unpublished(row.getLong(0), row.getString(1), row.getString(2),
                                row.getString(3), row.getOffsetDateTime(4).toInstant().toEpochMilli()));
                    }
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Uni.createFrom().completionStage(() -> publisher.publish(rows))
                            .flatMap(acknowledged -> connection.preparedQuery(MARK_PUBLISHED)
                                    .execute(Tuple.of(acknowledged.toArray(Long[]::new)))
                                    .replaceWith(acknowledged.size() < rows.size() ? INCOMPLETE : rows.size()));
                });
    }
}
