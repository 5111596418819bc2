package io.leadline.leads.claim.service;

import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Talks to the payments service over NATS request-reply. An empty answer means the outcome is
 * unknown (time-out, no responder, broken reply): the debit may or may not have happened.
 */
@ApplicationScoped
public class PaymentClient {

    @Inject
    RequestReplyClient requests;

    @Inject
    ClaimsConfig config;

    public Optional<WalletReply> debit(DebitRequest request) {
        return requests.request(PaymentSubjects.DEBIT, request, WalletReply.class, config.paymentTimeout());
    }

    public Optional<WalletReply> credit(CreditRequest request) {
        return requests.request(PaymentSubjects.CREDIT, request, WalletReply.class, config.paymentTimeout());
    }
}
