package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * A claim is a small saga, so that money and claims never disagree:
 * <ol>
 * <li>reserve a slot (a pending claim) under the lead's row lock, and commit;</li>
 * <li>debit the wallet with a key derived from the claim, outside any transaction;</li>
 * <li>confirm the claim and announce it, or release the slot when the debit was refused.</li>
 * </ol>
 * When the debit's outcome is unknown, or the claim cannot be confirmed after a debit, the claim
 * is voided: {@link ClaimSettler} refunds whatever was taken and frees the slot.
 */
@ApplicationScoped
public class ClaimService {

    private static final Logger LOG = Logger.getLogger(ClaimService.class);

    @Inject
    ClaimSteps steps;

    @Inject
    PaymentClient payments;

    @Inject
    ClaimSettler settler;

    public ClaimOutcome claim(long leadId, long accountId, String idempotencyKey) {
        ClaimSteps.Reservation reservation = steps.reserve(leadId, accountId, idempotencyKey);
        if (reservation instanceof ClaimSteps.Replay replay) {
            return new ClaimOutcome(replay.claim(), replay.lead(), true);
        }
        Claim claim = ((ClaimSteps.Reserved) reservation).claim();
        var reply = payments.debit(new DebitRequest(Long.toString(accountId), claim.price(), claim.debitKey(),
                claim.reference()));
        if (reply.isEmpty()) {
            steps.markVoiding(claim, "payment outcome unknown");
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                    "payments did not answer in time; nothing was claimed, try again");
        }
        WalletReply answer = reply.get();
        if (!answer.ok()) {
            steps.release(claim, ClaimStatus.PENDING, answer.reason());
            if (WalletReply.INSUFFICIENT_FUNDS.equals(answer.reason())) {
                throw ProblemException.paymentRequired("not enough credits: this lead costs " + claim.price());
            }
            if (PaymentClient.UNAVAILABLE.equals(answer.reason())) {
                throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                        "payments are unavailable; nothing was claimed, try again");
            }
            LOG.errorf("payments refused claim %d: %s", claim.id(), answer.reason());
            throw new ProblemException(Response.Status.BAD_GATEWAY, "payments refused the charge: " + answer.reason());
        }
        try {
            return steps.confirm(claim, answer.newBalance() == null ? 0 : answer.newBalance());
        } catch (RuntimeException e) {
            // the money is gone but the claim is not recorded: give it back
            LOG.errorf(e, "claim %d debited but not confirmed; refunding", claim.id());
            steps.markVoiding(claim, "confirmation failed");
            settler.settle(claim.id());
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                    "the claim could not be recorded and was refunded; try again");
        }
    }
}
