package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.shared.nats.RequestReplyClient;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.Set;

/**
 * A claim is a small saga, so that money and claims never disagree:
 * <ol>
 * <li>reserve a slot (a pending claim) under the lead's row lock, and commit;</li>
 * <li>debit the wallet with a key derived from the claim, outside any transaction, without blocking
 * (NATS request-reply awaited asynchronously);</li>
 * <li>confirm the claim and announce it, or release the slot when the debit was certainly not booked.</li>
 * </ol>
 * Only answers that say nothing was booked release the slot at once: {@code insufficient_funds},
 * {@code invalid_request}, {@code key_reused}, {@code voided} (final answers), {@code busy} (turned away
 * before it started) and no responders (no payments instance is running: nobody received the debit, and
 * NATS says so at once, so the caller gets its 503 without waiting for the time-out). Anything else, no
 * answer, {@code unavailable} (the debit started and failed, maybe after its COMMIT) or a reason this
 * version does not know, leaves the outcome unknown: the claim is voided and {@link ClaimSettler} settles
 * it with payments' void, which refunds only a debit that was booked. The same happens when the claim
 * cannot be confirmed after a debit.
 */
@ApplicationScoped
public class ClaimService {

    private static final Logger LOG = Logger.getLogger(ClaimService.class);

    /** Answers after which payments certainly booked nothing for this request. */
    static final Set<String> NOT_CHARGED = Set.of(WalletReply.BUSY, WalletReply.INSUFFICIENT_FUNDS,
            WalletReply.INVALID_REQUEST, WalletReply.KEY_REUSED, WalletReply.VOIDED);

    static final String NO_RESPONDERS = "no responders";

    @Inject
    ClaimSteps steps;

    @Inject
    PaymentClient payments;

    @Inject
    ClaimSettler settler;

    /** Runs on the caller's Vert.x context and never blocks it: the debit is asked and awaited asynchronously. */
    public Uni<ClaimOutcome> claim(long leadId, long accountId, String idempotencyKey) {
        return steps.reserve(leadId, accountId, idempotencyKey).flatMap(reservation -> {
            if (reservation instanceof ClaimSteps.Replay replay) {
                return Uni.createFrom().item(new ClaimOutcome(replay.claim(), replay.lead(), true));
            }
            Claim claim = ((ClaimSteps.Reserved) reservation).claim();
            return payments.debit(new DebitRequest(Long.toString(accountId), claim.price(), claim.debitKey(),
                    claim.reference())).flatMap(reply -> afterDebit(claim, reply));
        });
    }

    private Uni<ClaimOutcome> afterDebit(Claim claim, RequestReplyClient.Answer<WalletReply> answered) {
        if (answered.noResponders()) {
            // no payments instance received the debit: nothing can have been booked, the slot goes back now
            return steps.release(claim, ClaimStatus.PENDING, NO_RESPONDERS)
                    .chain(() -> fail(new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                            "payments are unavailable; nothing was claimed, try again")));
        }
        Optional<WalletReply> reply = answered.reply();
        if (reply.isEmpty()) {
            return steps.markVoiding(claim, "payment outcome unknown")
                    .chain(() -> fail(new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                            "payments did not answer in time; nothing was claimed, try again")));
        }
        WalletReply answer = reply.get();
        if (!answer.ok() && !NOT_CHARGED.contains(answer.reason())) {
            // unavailable or unknown: the debit may have been booked; the settler finds out and refunds
            LOG.warnf("payment outcome of claim %d unknown (%s); voiding it", claim.id(), answer.reason());
            return steps.markVoiding(claim, "payment outcome unknown: " + answer.reason())
                    .chain(() -> fail(new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                            "payments could not complete the charge; nothing was claimed, any charge will be refunded, "
                                    + "try again")));
        }
        if (!answer.ok()) {
            return steps.release(claim, ClaimStatus.PENDING, answer.reason()).chain(() -> {
                if (WalletReply.INSUFFICIENT_FUNDS.equals(answer.reason())) {
                    return fail(ProblemException.paymentRequired("not enough credits: this lead costs " + claim.price()));
                }
                if (WalletReply.BUSY.equals(answer.reason())) {
                    return fail(new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                            "payments are busy; nothing was claimed, try again"));
                }
                if (WalletReply.VOIDED.equals(answer.reason())) {
                    // the settler took this claim for abandoned and voided its debit before the debit arrived
                    return fail(new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                            "the charge was cancelled; nothing was claimed, try again"));
                }
                LOG.errorf("payments refused claim %d: %s", claim.id(), answer.reason());
                return fail(new ProblemException(Response.Status.BAD_GATEWAY,
                        "payments refused the charge: " + answer.reason()));
            });
        }
        return steps.confirm(claim, answer.newBalance() == null ? 0 : answer.newBalance())
                .onFailure().recoverWithUni(e -> {
                    if (e instanceof ClaimSteps.LeadEnded ended) {
                        // the lead was closed or expired while we were charging: no claim, the debit goes back
                        LOG.infof("claim %d debited but its lead ended meanwhile; refunding", claim.id());
                        return steps.markVoiding(claim, "lead ended before confirmation")
                                .chain(() -> settler.settle(claim.id()))
                                .chain(() -> fail(ProblemException.conflict(ended.getMessage()
                                        + "; nothing was claimed and the charge is refunded")));
                    }
                    // the money is gone but the claim is not recorded: give it back
                    LOG.errorf(e, "claim %d debited but not confirmed; refunding", claim.id());
                    return steps.markVoiding(claim, "confirmation failed")
                            .chain(() -> settler.settle(claim.id()))
                            .chain(() -> fail(new ProblemException(Response.Status.SERVICE_UNAVAILABLE,
                                    "the claim could not be recorded and was refunded; try again")));
                });
    }

    private static Uni<ClaimOutcome> fail(ProblemException problem) {
        return Uni.createFrom().failure(problem);
    }
}
