package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.leads.claim.repository.ClaimRepository;
import io.leadline.shared.database.DatabaseUnavailable;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.WalletReply;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
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
    Uni<Void> settleOutstanding() {
        return Panache.withTransaction(() -> claims.toSettle(Instant.now().minus(config.staleAfter()), 50))
                .flatMap(outstanding -> {
                    Uni<Void> settled = Uni.createFrom().voidItem();
                    for (Claim claim : outstanding) {
                        settled = settled.chain(() -> settle(claim)
                                .onFailure().invoke(e -> logFailure(e, "settling claim " + claim.id() + " failed"))
                                .onFailure().recoverWithNull());
                    }
                    return settled;
                })
                .onFailure().invoke(e -> logFailure(e, "settling claims failed"))
                .onFailure().recoverWithNull();
    }

    /** Settles one claim, if it still waits for it; never fails (what cannot be done now waits for the next round). */
    public Uni<Void> settle(long claimId) {
        return Panache.withTransaction(() -> claims.findClaim(claimId))
                .flatMap(found -> found.map(this::settle).orElse(Uni.createFrom().voidItem()))
                .onFailure().invoke(e -> logFailure(e, "settling claim " + claimId + " failed"))
                .onFailure().recoverWithNull();
    }

    /** An outage is expected to end and is reported by readiness: one line each round, not a stack trace. */
    private static void logFailure(Throwable failure, String what) {
        if (DatabaseUnavailable.isCause(failure)) {
            LOG.warnf("%s, database unavailable (%s); next round", what, DatabaseUnavailable.rootMessage(failure));
        } else {
            LOG.warnf(failure, "%s; next round", what);
        }
    }

    private Uni<Void> settle(Claim claim) {
        if (claim.status() == ClaimStatus.PENDING) {
            return steps.markVoiding(claim, "abandoned")
                    .flatMap(marked -> marked ? settleVoiding(claim) : Uni.createFrom().voidItem());
        }
        if (claim.status() != ClaimStatus.VOIDING) {
            return Uni.createFrom().voidItem();
        }
        return settleVoiding(claim);
    }

    private Uni<Void> settleVoiding(Claim claim) {
        String userId = Long.toString(claim.accountId());
        return payments.debit(new DebitRequest(userId, claim.price(), claim.debitKey(), claim.reference()))
                .flatMap(debit -> {
                    if (debit.isEmpty()
                            || (!debit.get().ok() && !ClaimService.FINAL_REFUSALS.contains(debit.get().reason()))) {
                        // no answer, busy (this request was not looked at), unavailable or unknown: next round
                        LOG.debugf("claim %d: payments cannot tell yet (%s)", claim.id(),
                                debit.map(WalletReply::reason).orElse("no answer"));
                        return Uni.createFrom().voidItem();
                    }
                    if (!debit.get().ok()) {
                        return steps.release(claim, ClaimStatus.VOIDING, "not charged: " + debit.get().reason())
                                .replaceWithVoid();
                    }
                    return payments.credit(new CreditRequest(userId, claim.price(), claim.refundKey(),
                            claim.reference(), "claim voided")).flatMap(credit -> {
                                if (credit.isEmpty() || !credit.get().ok()) {
                                    LOG.warnf("refund of claim %d not confirmed yet: %s", claim.id(),
                                            credit.map(WalletReply::reason).orElse("no answer"));
                                    return Uni.createFrom().voidItem();
                                }
                                return steps.release(claim, ClaimStatus.VOIDING, "refunded")
                                        .invoke(() -> LOG.infof("claim %d voided and refunded", claim.id()))
                                        .replaceWithVoid();
                            });
                });
    }
}
