package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.InboxConfig;
import io.leadline.notify.inbox.repository.NotificationRepository;
import io.leadline.notify.routing.EventRouter;
import io.leadline.shared.nats.ChannelStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
     * Blocks until the inbox holds everything published to the stream before this call, or until
     * {@code read-wait} has passed. Call it on a worker thread, outside any transaction.
     */
    public void awaitStreamHead() {
        long started = System.nanoTime();
        long target = streamHead();
        try {
            if (reached(target)) {
                return;
            }
            Waiter waiter = new Waiter(target, new CompletableFuture<>());
            waiters.add(waiter);
            try {
                if (!reached(target)) {
                    schedulePoll();
                    waiter.reached().get(config.readWait().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (TimeoutException e) {
                behind.increment();
                LOG.debugf("inbox read answered at #%d, before the stream head #%d", known, target);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                waiters.remove(waiter);
            }
        } finally {
            waited.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
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

    private boolean reached(long target) {
        if (known >= target) {
            return true;
        }
        refresh();
        return known >= target;
    }

    private void refresh() {
        try {
            advance(notifications.position());
        } catch (RuntimeException e) {
            LOG.debugf("cannot read the inbox position: %s", e.getMessage());
        }
    }

    /** The stream's last sequence; this instance's routing position when NATS cannot be asked. */
    private long streamHead() {
        try {
            return nats.jetStreamManagement().getStreamInfo(stream.name()).getStreamState().getLastSequence();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debugf("stream head unknown (%s); waiting for what this instance routed", e.getMessage());
            return router.lastSeq();
        }
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

    private void poll() {
        refresh();
        polling.set(false);
        if (!waiters.isEmpty()) {
            schedulePoll();
        }
    }
}
