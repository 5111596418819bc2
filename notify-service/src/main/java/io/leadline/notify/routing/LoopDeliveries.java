package io.leadline.notify.routing;

import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.FrameRun;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The events waiting for one event loop's subscribers. The router queues each event's frame once per
 * loop; the loop drains whatever has accumulated in one task, so under load one drain writes many
 * events to a subscriber in one buffer (a batch frame, or frames back to back) and that buffer is
 * built once for all the loop's subscribers of the channel. After a quiet spell an event is drained at
 * once; under sustained load a drain waits until {@code coalesce} (6 ms) has passed since the last one,
 * so each subscriber is written once per interval, whatever the event rate.
 *
 * <p>Bounded: the router waits while a loop has {@link #MAX_QUEUED} events queued; it runs on the NATS
 * dispatcher, never on an event loop, and a stalled consumer is recreated from the last routed sequence.
 */
final class LoopDeliveries implements Runnable {

    /** Events taken by one drain, so a long backlog does not keep the loop from its sockets' reads. */
    static final int MAX_PER_DRAIN = 512;
    static final int MAX_QUEUED = 16_384;

    record Pending(String key, long seq, ByteBuf frame, String kind, String excluded) {
    }

    /** What a drain did: the router's counters, and the subscribers found too far behind. */
    interface Outcome {
        void delivered(long events, long frames, long bytes);

        void behind(ClientSession session);
    }

    private final EventLoop loop;
    private final Function<String, Set<ClientSession>> subscribers;
    private final Outcome outcome;
    private final long maxPendingBytes;
    private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final long coalesceNanos;
    private final int maxBatchBytes;
    /** When the last drain started; written by the loop, read by the router to decide whether to wait. */
    private volatile long lastDrainNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);

    // confined to the loop
    private final Map<String, FrameRun> runs = new LinkedHashMap<>();
    private final List<Pending> inOrder = new ArrayList<>();
    private final List<ClientSession> marked = new ArrayList<>();
    private long drain;
    private long inOrderBytes;

    /**
     * {@code subscribers} gives this loop's sessions subscribed to a key (read when the drain runs); a batch
     * frame holds at most {@code maxBatchBytes} of payload unless it is a single event.
     */
    LoopDeliveries(EventLoop loop, Function<String, Set<ClientSession>> subscribers, long maxPendingBytes,
            long coalesceNanos, int maxBatchBytes, Outcome outcome) {
        this.loop = loop;
        this.subscribers = subscribers;
        this.maxPendingBytes = maxPendingBytes;
        this.coalesceNanos = coalesceNanos;
        this.maxBatchBytes = maxBatchBytes;
        this.outcome = outcome;
    }

    /** From the router: queues one reference to {@code frame}, which the drain releases. */
    void offer(String key, long seq, ByteBuf frame, String kind, String excluded) {
        while (queued.get() >= MAX_QUEUED && !loop.isShuttingDown()) {
            LockSupport.parkNanos(100_000);
        }
        queue.offer(new Pending(key, seq, frame, kind, excluded));
        queued.incrementAndGet();
        if (scheduled.compareAndSet(false, true)) {
            try {
                schedule();
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                discard();
            }
        }
    }

    /** At once after a quiet spell; under load, once the coalescing interval since the last drain is over. */
    private void schedule() {
        long wait = coalesceNanos - (System.nanoTime() - lastDrainNanos);
        if (wait <= 0) {
            loop.execute(this);
        } else {
            loop.schedule(this, wait, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        lastDrainNanos = System.nanoTime();
        try {
            drainOnce();
        } finally {
            if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                schedule();
            }
        }
    }

    private void drainOnce() {
        Pending pending;
        while (inOrder.size() < MAX_PER_DRAIN && (pending = queue.poll()) != null) {
            queued.decrementAndGet();
            inOrder.add(pending);
            runs.computeIfAbsent(pending.key(), key -> new FrameRun(key, maxBatchBytes))
                    .add(pending.seq(), pending.frame(), pending.kind(), pending.excluded());
        }
        if (inOrder.isEmpty()) {
            return;
        }
        drain++;
        try {
            for (FrameRun run : runs.values()) {
                for (ClientSession session : subscribers.apply(run.key())) {
                    if (session.mark(drain, run)) {
                        marked.add(session);
                    }
                }
            }
            long events = 0;
            long frames = 0;
            long bytes = 0;
            for (ClientSession session : marked) {
                FrameRun sole = session.takeMarkedRun();
                if (sole != null) {
                    if (session.deliver(sole, maxPendingBytes) < 0) {
                        outcome.behind(session);
                    }
                } else {
                    int delivered = deliverInOrder(session);
                    if (delivered < 0) {
                        outcome.behind(session);
                    } else {
                        events += delivered;
                        frames += delivered;
                        bytes += inOrderBytes;
                    }
                }
            }
            for (FrameRun run : runs.values()) {
                events += run.delivered();
                frames += run.framesWritten();
                bytes += run.bytesWritten();
            }
            outcome.delivered(events, frames, bytes);
        } finally {
            for (FrameRun run : runs.values()) {
                run.release();
            }
            runs.clear();
            inOrder.clear();
            marked.clear();
        }
    }

    /**
     * A session subscribed to several keys of this drain gets their events one by one, in stream order;
     * returns the events written to it, or -1 when it is too far behind.
     */
    private int deliverInOrder(ClientSession session) {
        int written = 0;
        inOrderBytes = 0;
        for (Pending event : inOrder) {
            int outcome = session.deliver(event.key(), event.seq(), event.frame(), event.kind(), event.excluded(),
                    maxPendingBytes);
            if (outcome < 0) {
                return -1;
            }
            written += outcome;
            inOrderBytes += (long) outcome * event.frame().readableBytes();
        }
        return written;
    }

    /** The loop is gone: nothing will drain, so the frames are released here. */
    private void discard() {
        Pending pending;
        while ((pending = queue.poll()) != null) {
            queued.decrementAndGet();
            pending.frame().release();
        }
        scheduled.set(false);
    }
}
