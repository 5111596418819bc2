package io.leadline.shared.nats;

import io.leadline.shared.database.DatabaseUnavailable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers request-reply subjects whose handling is reactive (database work on Hibernate Reactive). The
 * NATS dispatcher thread only starts each request on a Vert.x event loop, in a fresh duplicated context
 * flagged safe (what Hibernate Reactive's sessions need), and the answer is published when the handler's
 * {@link Uni} completes: no thread waits. At most {@code maxInFlight} requests run at once; one more gets
 * the {@code busy} answer at once (it was never started), one whose handler fails gets the {@code failed}
 * answer (it may have done its work: the caller asks again to find out). Every request with a reply
 * subject is answered. Queue groups spread requests over all running instances; requests are spread
 * over the event loops in turn.
 *
 * <p>Only a request published on the subject itself is taken. NATS permissions say who may publish on
 * {@code svc.*}, but a JetStream consumer delivers as the server, to any subject its creator chose: a
 * process allowed to read a stream could otherwise have its own stored messages delivered here as
 * requests. Such deliveries (their reply subject is a JetStream acknowledgement) are dropped unanswered.
 *
 * <p>Only a reply subject that is an inbox is answered. The server lets a responder publish once on the
 * reply subject of any request it received ({@code allow_responses}), whatever else it may publish on: a
 * requester naming one of the responder's own subjects (an event subject of the stream, a key of a
 * bucket it writes) would otherwise have the responder write its answer there. Those are dropped too.
 */
public final class ReactiveResponder {

    /** Turns a request body into its answer, without blocking the thread it is called on. */
    @FunctionalInterface
    public interface Handler {
        Uni<byte[]> answer(byte[] request);
    }

    private static final Logger LOG = Logger.getLogger(ReactiveResponder.class);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final Connection nats;
    private final MeterRegistry registry;
    private final Context[] eventLoops;
    private final AtomicInteger nextEventLoop = new AtomicInteger();
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final Dispatcher dispatcher;
    private final AtomicLong lastRefusalLogged = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));

    public ReactiveResponder(Connection nats, MeterRegistry registry, Vertx vertx, int maxInFlight) {
        this.nats = nats;
        this.registry = registry;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        VertxInternal internal = (VertxInternal) vertx;
        int loops = Math.max(1, Runtime.getRuntime().availableProcessors() * 2);
        this.eventLoops = new Context[loops];
        for (int i = 0; i < loops; i++) {
            eventLoops[i] = internal.createEventLoopContext();
        }
        this.dispatcher = nats.createDispatcher();
    }

    /**
     * Starts answering {@code subject}. {@code timer}, when not null, measures each request from its
     * arrival to its answer.
     */
    public ReactiveResponder answer(String subject, String queueGroup, Handler handler, byte[] busy, byte[] failed,
            Timer timer) {
        dispatcher.subscribe(subject, queueGroup, message -> dispatch(subject, message, handler, busy, failed, timer));
        return this;
    }

    /** Stops taking requests and lets those under way answer, within a bounded time. */
    public void stop() {
        try {
            dispatcher.drain(DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debugf("dispatcher drain: %s", e.getMessage());
        }
        try {
            if (inFlight.tryAcquire(maxInFlight, DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                inFlight.release(maxInFlight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(String subject, Message message, Handler handler, byte[] busy, byte[] failed, Timer timer) {
        if (message.getReplyTo() == null) {
            return; // nobody to answer: these subjects are asked, not fired and forgotten
        }
        if (isStreamDelivery(message) || !isInbox(message.getReplyTo()) || !subject.equals(message.getSubject())) {
            refuse(subject, message);
            return;
        }
        if (!inFlight.tryAcquire()) {
            LOG.debugf("%s: %d requests under way, turned away", message.getSubject(), maxInFlight);
            reply(message, busy);
            return;
        }
        Timer.Sample sample = timer == null ? null : Timer.start(registry);
        Context context = VertxContext.createNewDuplicatedContext(
                eventLoops[Math.floorMod(nextEventLoop.getAndIncrement(), eventLoops.length)]);
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> {
            Uni<byte[]> answer;
            try {
                answer = handler.answer(message.getData());
                if (answer == null) {
                    throw new NullPointerException("the handler of " + subject + " returned no Uni");
                }
            } catch (Throwable e) { // an Error too: the request is still answered, and its place freed
                answer = Uni.createFrom().failure(e);
            }
            answer.subscribe().with(
                    bytes -> finish(message, bytes, sample, timer),
                    failure -> {
                        if (DatabaseUnavailable.isCause(failure)) {
                            LOG.warnf("request on %s failed, database unavailable: %s", message.getSubject(),
                                    DatabaseUnavailable.rootMessage(failure));
                        } else {
                            LOG.warnf(failure, "request on %s failed", message.getSubject());
                        }
                        finish(message, failed, sample, timer);
                    });
        });
    }

    private void finish(Message message, byte[] answer, Timer.Sample sample, Timer timer) {
        inFlight.release();
        reply(message, answer);
        if (sample != null) {
            sample.stop(timer);
        }
    }

    private void refuse(String subject, Message message) {
        registry.counter("leadline.rpc.refused", "subject", subject).increment();
        long now = System.nanoTime();
        long last = lastRefusalLogged.get();
        if (now - last > TimeUnit.MINUTES.toNanos(1) && lastRefusalLogged.compareAndSet(last, now)) {
            LOG.warnf("dropped a stream delivery, or a request whose reply subject is no inbox, on %s (subject %s, reply %s); "
                    + "more are only counted (leadline_rpc_refused_total) for a minute", subject,
                    message.getSubject(), message.getReplyTo());
        }
    }

    /** A JetStream consumer's delivery: acknowledged through {@code $JS.ACK.…}, never published as a request. */
    static boolean isStreamDelivery(Message message) {
        String reply = message.getReplyTo();
        return message.isJetStream() || (reply != null && reply.startsWith("$JS."));
    }

    /** A requester's inbox: {@code _INBOX_<user>.…} (every identity's), or the client library's default. */
    static boolean isInbox(String reply) {
        return reply.startsWith("_INBOX_") || reply.startsWith("_INBOX.");
    }

    private void reply(Message message, byte[] answer) {
        try {
            nats.publish(message.getReplyTo(), answer);
        } catch (RuntimeException e) {
            LOG.warnf("cannot answer on %s: %s", message.getSubject(), e.getMessage());
        }
    }
}
