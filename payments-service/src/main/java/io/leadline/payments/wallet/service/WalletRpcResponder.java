package io.leadline.payments.wallet.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Answers {@code svc.payments.debit} and {@code svc.payments.credit}. The NATS dispatcher thread only
 * hands each message to a bounded worker pool (the database work blocks); when the queue is full the
 * request is answered {@code busy} at once rather than left to time out: it was never started, so
 * nothing was booked. Every request gets a reply: a malformed one {@code invalid_request}; one that
 * started and failed (a database error, possibly a COMMIT whose outcome is unknown) {@code unavailable},
 * which does not say whether it was booked: the caller asks again with the same key to find out.
 * The queue group spreads requests over all running instances.
 */
@ApplicationScoped
public class WalletRpcResponder {

    private static final Logger LOG = Logger.getLogger(WalletRpcResponder.class);

    @Inject
    Connection nats;

    @Inject
    WalletService wallets;

    @Inject
    PaymentsConfig config;

    @Inject
    MeterRegistry registry;

    private ThreadPoolExecutor workers;
    private Dispatcher dispatcher;

    void start(@Observes StartupEvent ignored) {
        PaymentsConfig.Rpc rpc = config.rpc();
        AtomicInteger threads = new AtomicInteger();
        workers = new ThreadPoolExecutor(rpc.workers(), rpc.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(rpc.queueCapacity()), runnable -> {
                    Thread thread = new Thread(runnable, "wallet-rpc-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        Timer debitTimer = timer("debit");
        Timer creditTimer = timer("credit");
        dispatcher = nats.createDispatcher();
        dispatcher.subscribe(PaymentSubjects.DEBIT, rpc.queueGroup(),
                msg -> dispatch(msg, debitTimer, this::debit));
        dispatcher.subscribe(PaymentSubjects.CREDIT, rpc.queueGroup(),
                msg -> dispatch(msg, creditTimer, this::credit));
        LOG.infof("answering %s and %s with %d workers", PaymentSubjects.DEBIT, PaymentSubjects.CREDIT, rpc.workers());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (dispatcher != null) {
            try {
                // stop taking requests, let the ones already queued finish and answer
                dispatcher.drain(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debugf("dispatcher drain: %s", e.getMessage());
            }
        }
        if (workers != null) {
            workers.shutdown();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void dispatch(Message msg, Timer timer, Function<byte[], WalletReply> handler) {
        if (msg.getReplyTo() == null) {
            return; // nobody to answer; a wallet change must be asked for, not fired and forgotten
        }
        Timer.Sample sample = Timer.start(registry);
        try {
            workers.execute(() -> {
                WalletReply reply;
                try {
                    reply = handler.apply(msg.getData());
                } catch (RuntimeException e) {
                    // may have failed after its COMMIT: not "nothing booked", only "ask again"
                    LOG.warnf(e, "wallet request on %s failed", msg.getSubject());
                    reply = WalletReply.failure(WalletReply.UNAVAILABLE);
                }
                reply(msg, reply);
                sample.stop(timer);
            });
        } catch (RejectedExecutionException e) {
            reply(msg, WalletReply.failure(WalletReply.BUSY)); // turned away before it started
        }
    }

    private WalletReply debit(byte[] data) {
        DebitRequest request = decode(data, DebitRequest.class);
        String invalid = WalletRequests.validate(request, config.wallet().maxAmount());
        if (invalid != null) {
            LOG.debugf("invalid debit request: %s", invalid);
            return WalletReply.failure(WalletReply.INVALID_REQUEST);
        }
        return wallets.debit(request);
    }

    private WalletReply credit(byte[] data) {
        CreditRequest request = decode(data, CreditRequest.class);
        String invalid = WalletRequests.validate(request, config.wallet().maxAmount());
        if (invalid != null) {
            LOG.debugf("invalid credit request: %s", invalid);
            return WalletReply.failure(WalletReply.INVALID_REQUEST);
        }
        return wallets.credit(request);
    }

    private static <T> T decode(byte[] data, Class<T> type) {
        if (data == null || data.length == 0) {
            return null;
        }
        try {
            JsonNode tree = JsonCodec.tree(data);
            JsonNode amount = tree.get("amount");
            if (!tree.isObject() || amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong()) {
                return null; // Jackson would quietly truncate 1.5 or wrap a huge number
            }
            return JsonCodec.mapper().treeToValue(tree, type);
        } catch (RuntimeException | JsonProcessingException e) {
            return null;
        }
    }

    private void reply(Message msg, WalletReply reply) {
        try {
            nats.publish(msg.getReplyTo(), JsonCodec.encode(reply));
        } catch (RuntimeException e) {
            LOG.warnf("cannot answer wallet request: %s", e.getMessage());
        }
    }

    private Timer timer(String operation) {
        return Timer.builder("leadline.wallet.requests").tag("operation", operation)
                .description("wallet request-replies, queue wait included").publishPercentiles(0.5, 0.99)
                .register(registry);
    }
}
