package io.leadline.leads.claim.service;

import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.nats.client.Connection;
import io.nats.client.Message;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Talks to the payments service over NATS request-reply. An empty answer means the outcome is
 * unknown (time-out, no responder, broken reply): the debit may or may not have happened.
 */
@ApplicationScoped
public class PaymentClient {

    private static final Logger LOG = Logger.getLogger(PaymentClient.class);

    @Inject
    Connection nats;

    @Inject
    ClaimsConfig config;

    public Optional<WalletReply> debit(DebitRequest request) {
        return call(PaymentSubjects.DEBIT, request);
    }

    public Optional<WalletReply> credit(CreditRequest request) {
        return call(PaymentSubjects.CREDIT, request);
    }

    private Optional<WalletReply> call(String subject, Object request) {
        try {
            Message reply = nats.request(subject, JsonCodec.encode(request), config.paymentTimeout());
            if (reply == null || reply.isStatusMessage()) {
                LOG.warnf("no answer on %s within %s", subject, config.paymentTimeout());
                return Optional.empty();
            }
            return Optional.of(JsonCodec.decode(reply.getData(), WalletReply.class));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.warnf("request on %s failed: %s", subject, e.getMessage());
            return Optional.empty();
        }
    }
}
