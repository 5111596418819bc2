package io.leadline.payments.wallet.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.ReactiveResponder;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.VoidReply;
import io.leadline.shared.rpc.VoidRequest;
import io.leadline.shared.rpc.WalletReply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;


/**
 * Answers {@code svc.payments.debit}, {@code svc.payments.credit} and {@code svc.payments.void}. The NATS dispatcher thread only
 * starts each request on a Vert.x event loop ({@link ReactiveResponder}), where its transaction runs on
 * Hibernate Reactive without holding a thread; at most {@code leadline.payments.rpc.max-in-flight} requests are
 * under way at once, and one more is answered {@code busy} at once rather than left to time out: it was
 * never started, so nothing was booked. Every request gets a reply: a malformed one
 * {@code invalid_request}; one that started and failed (a database error, possibly a COMMIT whose outcome is unknown) {@code unavailable},
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

    @Inject
    Vertx vertx;

    private ReactiveResponder responder;

    void start(@Observes StartupEvent ignored) {
        PaymentsConfig.Rpc rpc = config.rpc();
        // turned away before it started: nothing booked; failed after starting: may be booked, ask again
        byte[] busy = JsonCodec.encode(WalletReply.failure(WalletReply.BUSY));
        byte[] unavailable = JsonCodec.encode(WalletReply.failure(WalletReply.UNAVAILABLE));
        int inFlight = rpc.maxInFlight();
        responder = new ReactiveResponder(nats, registry, vertx, inFlight)
                .answer(PaymentSubjects.DEBIT, rpc.queueGroup(), data -> debit(data).map(JsonCodec::encode), busy,
                        unavailable, timer("debit"))
                .answer(PaymentSubjects.CREDIT, rpc.queueGroup(), data -> credit(data).map(JsonCodec::encode), busy,
                        unavailable, timer("credit"))
                .answer(PaymentSubjects.VOID, rpc.queueGroup(), data -> voidDebit(data).map(JsonCodec::encode),
                        JsonCodec.encode(VoidReply.failure(WalletReply.BUSY)),
                        JsonCodec.encode(VoidReply.failure(WalletReply.UNAVAILABLE)), timer("void"));
        LOG.infof("answering %s, %s and %s, at most %d requests under way", PaymentSubjects.DEBIT,
                PaymentSubjects.CREDIT, PaymentSubjects.VOID, inFlight);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (responder != null) {
            responder.stop();
        }
    }

    private Uni<WalletReply> debit(byte[] data) {
        DebitRequest request = decode(data, DebitRequest.class);
        String invalid = WalletRequests.validate(request, config.wallet().maxAmount());
        if (invalid != null) {
            LOG.debugf("invalid debit request: %s", invalid);
            return Uni.createFrom().item(WalletReply.failure(WalletReply.INVALID_REQUEST));
        }
        return wallets.debit(request);
    }

    private Uni<WalletReply> credit(byte[] data) {
        CreditRequest request = decode(data, CreditRequest.class);
        String invalid = WalletRequests.validate(request, config.wallet().maxAmount());
        if (invalid != null) {
            LOG.debugf("invalid credit request: %s", invalid);
            return Uni.createFrom().item(WalletReply.failure(WalletReply.INVALID_REQUEST));
        }
        return wallets.credit(request);
    }

    private Uni<VoidReply> voidDebit(byte[] data) {
        VoidRequest request = decode(data, VoidRequest.class);
        // no upper bound from today's settings: a debit booked under a higher max-amount must still be found,
        // and a refusal here would let the settler release a claim whose charge was never refunded
        String invalid = WalletRequests.validate(request, Long.MAX_VALUE);
        if (invalid != null) {
            LOG.debugf("invalid void request: %s", invalid);
            return Uni.createFrom().item(VoidReply.failure(WalletReply.INVALID_REQUEST));
        }
        return wallets.voidDebit(request);
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

    private Timer timer(String operation) {
        return Timer.builder("leadline.wallet.requests").tag("operation", operation)
                .description("wallet request-replies, queue wait included").publishPercentiles(0.5, 0.99)
                .register(registry);
    }
}
