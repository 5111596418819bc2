package io.leadline.leads.claim.service;

import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Talks to the payments service over NATS request-reply, without blocking a thread
 * ({@link RequestReplyClient#requestAsync}). An empty answer means the outcome is unknown (time-out, no
 * responder, broken reply): the debit may or may not have happened. The answer arrives on a NATS
 * thread and is handed back to the Vert.x context that asked, where the claim's next reactive
 * transaction must run.
 */
@ApplicationScoped
public class PaymentClient {

    @Inject
    RequestReplyClient requests;

    @Inject
    ClaimsConfig config;

    public Uni<Optional<WalletReply>> debit(DebitRequest request) {
        return ask(PaymentSubjects.DEBIT, request, config.paymentTimeout());
    }

    public Uni<Optional<WalletReply>> credit(CreditRequest request) {
        return ask(PaymentSubjects.CREDIT, request, config.paymentTimeout());
    }

    private Uni<Optional<WalletReply>> ask(String subject, Object request, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            Executor caller = callerContext();
            return Uni.createFrom()
                    .completionStage(() -> requests.requestAsync(subject, request, WalletReply.class, timeout))
                    .emitOn(caller);
        });
    }

    /** The calling thread's Vert.x context; wherever the answer arrives when the caller has none. */
    private static Executor callerContext() {
        Context context = Vertx.currentContext();
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }
}
