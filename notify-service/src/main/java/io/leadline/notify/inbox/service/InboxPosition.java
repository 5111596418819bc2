package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.InboxConfig;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.notify.routing.EventRouter;
import io.leadline.shared.nats.ChannelStream;
import io.leadline.shared.nats.NatsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StreamInfo;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.leadline.shared.database.ReactiveContext;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Read-your-writes for the inbox: a REST read first waits until the inbox has read the stream up to the
 * sequence the stream had when the read began. Every frame a client can have seen was published before
 * its request, so the answer holds every inbox entry the client saw on its socket, whichever instance
 * sent it the frame and whichever instance writes the inbox.
 *
 * <p>The writer of this instance reports each commit here at once; when another instance writes, the
 * stored position is read every {@code position-poll} while some request waits, and not otherwise.
 */
@ApplicationScoped
public class InboxPosition {

    private static final Logger LOG = Logger.getLogger(InboxPosition.class);
    /** The JetStream API request for a stream's info, the one {@code getStreamInfo} sends, without waiting. */
    private static final String STREAM_INFO = "$JS.API.STREAM.INFO.";

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    EventRouter router;

    @Inject
    NotificationRepository notifications;

    @Inject
    InboxConfig config;

    @Inject
    NatsConfig natsConfig;

    @Inject
    MeterRegistry registry;

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile long known = -1;
    private ScheduledThreadPoolExecutor poller;
    private Timer waited;
    private Counter behind;

    private record Waiter(long target, CompletableFuture<Void> reached) {
    }

    void start(@Observes StartupEvent event) {
        waited = Timer.builder("leadline.inbox.read.wait")
                .description("how long a REST read of the inbox waited for the inbox to reach the stream's last sequence")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        behind = Counter.builder("leadline.inbox.read.behind")
                .description("REST reads answered before the inbox reached the stream's last sequence (read-wait passed)")
                .register(registry);
        Gauge.builder("leadline.inbox.position", this, position -> position.known)
                .description("the stream sequence up to which the inbox is stored, as this instance last learned it")
                .register(registry);
        poller = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "inbox-position");
            thread.setDaemon(true);
            return thread;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
        waiters.forEach(waiter -> waiter.reached().complete(null));
    }

    /**
     * Completes when the inbox holds everything published to the stream before this call, or when
     * {@code read-wait} has passed; outside any transaction. Never blocks: the stream head comes from an
     * asynchronous JetStream request, the wait from the writer's commits, and the item is emitted on the
     * caller's Vert.x context, where its reactive session work goes on.
     */
    public Uni<Void> awaitStreamHead() {
        long started = System.nanoTime();
        Executor caller = ReactiveContext.caller();
        return streamHead()
                .emitOn(caller)
                .flatMap(target -> known >= target ? Uni.createFrom().voidItem()
                        : storedPosition().flatMap(stored -> {
                            advance(stored);
                            return known >= target ? Uni.createFrom().voidItem() : waitFor(target);
                        }))
                .emitOn(caller)
                .onTermination().invoke(() -> waited.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private Uni<Void> waitFor(long target) {
        Waiter waiter = new Waiter(target, new CompletableFuture<>());
        waiters.add(waiter);
        if (known >= target) {
            waiters.remove(waiter);
            return Uni.createFrom().voidItem();
        }
        schedulePoll();
        return Uni.createFrom().completionStage(waiter.reached())
                .ifNoItem().after(config.readWait()).recoverWithItem(() -> {
                    behind.increment();
                    LOG.debugf("inbox read answered at #%d, before the stream head #%d", known, target);
                    return null;
                })
                .eventually(() -> waiters.remove(waiter));
    }

    /** The writer of this instance committed up to {@code seq} (or started again from it). */
    void advance(long seq) {
        known = seq;
        for (Waiter waiter : waiters) {
            if (waiter.target() <= seq) {
                waiter.reached().complete(null);
            }
        }
    }

    /** The stored position; what this instance knows when the database cannot tell. */
    private Uni<Long> storedPosition() {
        return Panache.withSession(notifications::position)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("cannot read the inbox position: %s", e.getMessage());
                    return known;
                });
    }

    /** The stream's last sequence; this instance's routing position when NATS cannot be asked. */
    private Uni<Long> streamHead() {
        return Uni.createFrom().completionStage(() -> nats.requestWithTimeout(
                        STREAM_INFO + stream.name(), null, natsConfig.requestTimeout()))
                .map(reply -> {
                    try {
                        return new StreamInfo(reply).throwOnHasError().getStreamState().getLastSequence();
                    } catch (JetStreamApiException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("stream head unknown (%s); waiting for what this instance routed", e.getMessage());
                    return router.lastSeq();
                });
    }

    private void schedulePoll() {
        if (polling.compareAndSet(false, true)) {
            try {
                poller.schedule(this::poll, config.positionPoll().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                polling.set(false);
            }
        }
    }

    /** On the poller's own thread, which may wait for the stored position. */
    private void poll() {
        try {
            advance(VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(notifications::position)));
        } catch (Throwable e) {
            LOG.debugf("cannot read the inbox position: %s", e.getMessage());
        }
        polling.set(false);
        if (!waiters.isEmpty()) {
            schedulePoll();
        }
    }
}
