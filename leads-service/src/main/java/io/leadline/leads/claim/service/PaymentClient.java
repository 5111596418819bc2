package io.leadline.leads.claim.service;

import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.VoidReply;
import io.leadline.shared.rpc.VoidRequest;
import io.leadline.shared.rpc.WalletReply;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Talks to the payments service over NATS request-reply, without blocking a thread
 * ({@link RequestReplyClient#ask}). An empty answer means the outcome is unknown (time-out, broken
 * reply): the debit may or may not have happened; except for a debit that nobody received (no
 * responders), which certainly did not. The answer arrives on a NATS
 * thread and is handed back to the Vert.x context that asked, where the claim's next reactive
 * transaction must run.
 */
@ApplicationScoped
public class PaymentClient {

    @Inject
    RequestReplyClient requests;

    @Inject
    ClaimsConfig config;

    /** {@code noResponders} in the answer: no payments instance is subscribed, so nobody received the debit. */
    public Uni<RequestReplyClient.Answer<WalletReply>> debit(DebitRequest request) {
        return requests.call(PaymentSubjects.DEBIT, request, WalletReply.class, config.paymentTimeout());
    }

    public Uni<Optional<VoidReply>> voidDebit(VoidRequest request) {
        return requests.ask(PaymentSubjects.VOID, request, VoidReply.class, config.paymentTimeout());
    }

    public Uni<Optional<WalletReply>> credit(CreditRequest request) {
        return requests.ask(PaymentSubjects.CREDIT, request, WalletReply.class, config.paymentTimeout());
    }
}
