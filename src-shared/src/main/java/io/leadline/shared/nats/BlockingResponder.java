package io.leadline.shared.nats;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers request-reply subjects whose handling blocks (database work). The NATS dispatcher thread only
 * hands each request to a bounded worker pool; a request turned away because the pool is full gets the
 * {@code busy} answer at once (it was never started), one whose handler throws gets the
 * {@code failed} answer (it may have done its work: the caller asks again to find out). Every request
 * with a reply subject is answered. Queue groups spread requests over all running instances.
 *
 * <p>Only a request published on the subject itself is taken. NATS permissions say who may publish on
 * {@code svc.*}, but a JetStream consumer delivers as the server, to any subject its creator chose: a
 * process allowed to read a stream could otherwise have its own stored messages delivered here as
 * requests. Such deliveries (their reply subject is a JetStream acknowledgement) are dropped unanswered.
 */
public final class BlockingResponder {

    /** Turns a request body into its answer; may block. */
    @FunctionalInterface
    public interface Handler {
        byte[] answer(byte[] request);
    }

    private static final Logger LOG = Logger.getLogger(BlockingResponder.class);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final Connection nats;
    private final MeterRegistry registry;
    private final ThreadPoolExecutor workers;
    private final Dispatcher dispatcher;
    private final AtomicLong lastRefusalLogged = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));

    public BlockingResponder(Connection nats, MeterRegistry registry, String name, int workers, int queueCapacity) {
        this.nats = nats;
        this.registry = registry;
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.dispatcher = nats.createDispatcher();
    }

    /**
     * Starts answering {@code subject}. {@code timer}, when not null, measures each request from its
     * arrival (queue wait included) to its answer.
     */
    public BlockingResponder answer(String subject, String queueGroup, Handler handler, byte[] busy, byte[] failed,
            Timer timer) {
        dispatcher.subscribe(subject, queueGroup, message -> dispatch(subject, message, handler, busy, failed, timer));
        return this;
    }

    /** Stops taking requests, lets those already queued finish and answer, within a bounded time. */
    public void stop() {
        try {
            dispatcher.drain(DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debugf("dispatcher drain: %s", e.getMessage());
        }
        workers.shutdown();
        try {
            workers.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(String subject, Message message, Handler handler, byte[] busy, byte[] failed, Timer timer) {
        if (message.getReplyTo() == null) {
            return; // nobody to answer: these subjects are asked, not fired and forgotten
        }
        if (isStreamDelivery(message) || !subject.equals(message.getSubject())) {
            registry.counter("leadline.rpc.refused", "subject", subject).increment();
            long now = System.nanoTime();
            long last = lastRefusalLogged.get();
            if (now - last > TimeUnit.MINUTES.toNanos(1) && lastRefusalLogged.compareAndSet(last, now)) {
                LOG.warnf("dropped a stream delivery made to look like a request on %s (subject %s, reply %s); "
                        + "more are only counted (leadline_rpc_refused_total) for a minute", subject,
                        message.getSubject(), message.getReplyTo());
            }
            return;
        }
        Timer.Sample sample = timer == null ? null : Timer.start(registry);
        try {
            workers.execute(() -> {
                byte[] answer;
                try {
                    answer = handler.answer(message.getData());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "request on %s failed", message.getSubject());
                    answer = failed;
                }
                reply(message, answer);
                if (sample != null) {
                    sample.stop(timer);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debugf("%s: workers busy, turned away", message.getSubject());
            reply(message, busy);
        }
    }

    /** A JetStream consumer's delivery: acknowledged through {@code $JS.ACK.…}, never published as a request. */
    static boolean isStreamDelivery(Message message) {
        String reply = message.getReplyTo();
        return message.isJetStream() || (reply != null && reply.startsWith("$JS."));
    }

    private void reply(Message message, byte[] answer) {
        try {
            nats.publish(message.getReplyTo(), answer);
        } catch (RuntimeException e) {
            LOG.warnf("cannot answer on %s: %s", message.getSubject(), e.getMessage());
        }
    }
}
