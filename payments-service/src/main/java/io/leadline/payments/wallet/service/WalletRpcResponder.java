package io.leadline.payments.wallet.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.BlockingResponder;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;


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

    private BlockingResponder responder;

    void start(@Observes StartupEvent ignored) {
        PaymentsConfig.Rpc rpc = config.rpc();
        // turned away before it started: nothing booked; failed after starting: may be booked, ask again
        byte[] busy = JsonCodec.encode(WalletReply.failure(WalletReply.BUSY));
        byte[] unavailable = JsonCodec.encode(WalletReply.failure(WalletReply.UNAVAILABLE));
        responder = new BlockingResponder(nats, registry, "wallet-rpc", rpc.workers(), rpc.queueCapacity())
                .answer(PaymentSubjects.DEBIT, rpc.queueGroup(), data -> JsonCodec.encode(debit(data)), busy,
                        unavailable, timer("debit"))
                .answer(PaymentSubjects.CREDIT, rpc.queueGroup(), data -> JsonCodec.encode(credit(data)), busy,
                        unavailable, timer("credit"));
        LOG.infof("answering %s and %s with %d workers", PaymentSubjects.DEBIT, PaymentSubjects.CREDIT, rpc.workers());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (responder != null) {
            responder.stop();
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

    private Timer timer(String operation) {
        return Timer.builder("leadline.wallet.requests").tag("operation", operation)
                .description("wallet request-replies, queue wait included").publishPercentiles(0.5, 0.99)
                .register(registry);
    }
}
