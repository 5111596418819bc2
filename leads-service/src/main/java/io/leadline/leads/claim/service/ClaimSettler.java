package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.leads.claim.repository.ClaimRepository;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.WalletReply;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Settles claims whose payment outcome is unknown. It asks for the debit again with the claim's own
 * key: payments answers a repeated key with its first answer, so this tells whether money was taken
 * (charging now if the first request never arrived). Whatever was taken is credited back under the
 * claim's refund key, then the slot is freed. Only a final refusal ({@code insufficient_funds},
 * {@code invalid_request}, {@code key_reused}) frees the slot without a refund; {@code busy} (the
 * repeat was not looked at), {@code unavailable}, an unknown reason or no answer leave the claim for
 * the next round. Every step is idempotent, so a settler that dies half
 * way, or two instances settling at once, leave the same result.
 */
@ApplicationScoped
public class ClaimSettler {

    private static final Logger LOG = Logger.getLogger(ClaimSettler.class);

    @Inject
    ClaimRepository claims;

    @Inject
    ClaimSteps steps;

    @Inject
    PaymentClient payments;

    @Inject
    ClaimsConfig config;

    @Scheduled(every = "${leadline.claims.settle-interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void settleOutstanding() {
        for (Claim claim : claims.toSettle(Instant.now().minus(config.staleAfter()), 50)) {
            settle(claim);
        }
    }

    public void settle(long claimId) {
        claims.find(claimId).ifPresent(this::settle);
    }

    private void settle(Claim claim) {
        if (claim.status() == ClaimStatus.PENDING && !steps.markVoiding(claim, "abandoned")) {
            return;
        }
        if (claim.status() != ClaimStatus.PENDING && claim.status() != ClaimStatus.VOIDING) {
            return;
        }
        String userId = Long.toString(claim.accountId());
        var debit = payments.debit(new DebitRequest(userId, claim.price(), claim.debitKey(), claim.reference()));
        if (debit.isEmpty() || (!debit.get().ok() && !ClaimService.FINAL_REFUSALS.contains(debit.get().reason()))) {
            // no answer, busy (this request was not looked at), unavailable or unknown: next round
            LOG.debugf("claim %d: payments cannot tell yet (%s)", claim.id(),
                    debit.map(WalletReply::reason).orElse("no answer"));
            return;
        }
        if (debit.get().ok()) {
            var credit = payments.credit(new CreditRequest(userId, claim.price(), claim.refundKey(), claim.reference(),
                    "claim voided"));
            if (credit.isEmpty() || !credit.get().ok()) {
                LOG.warnf("refund of claim %d not confirmed yet: %s", claim.id(),
                        credit.map(reply -> reply.reason()).orElse("no answer"));
                return;
            }
            steps.release(claim, ClaimStatus.VOIDING, "refunded");
            LOG.infof("claim %d voided and refunded", claim.id());
        } else {
            steps.release(claim, ClaimStatus.VOIDING, "not charged: " + debit.get().reason());
        }
    }
}
