package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.claim.ClaimsConfig;
import io.leadline.leads.claim.repository.ClaimRepository;
import io.leadline.shared.database.DatabaseUnavailable;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.VoidReply;
import io.leadline.shared.rpc.VoidRequest;
import io.leadline.shared.rpc.WalletReply;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Set;

/**
 * Settles claims whose payment outcome is unknown, with payments' void ({@code svc.payments.void}, the
 * claim's debit key): payments consumes the key, so its answer is final. {@code debited}: the money was
 * taken, and is credited back under the claim's refund key before the slot is freed. {@code voided}: no
 * debit was booked and none ever will be (a late one is refused), so the slot is freed with no money
 * moving at all, no charge followed by a refund. {@code key_reused} and {@code invalid_request} free the
 * slot too (nothing was booked for this claim). {@code busy}, {@code unavailable}, an unknown outcome or no
 * answer (payments down) leave the claim for the next round. Every step is idempotent, so a settler that
 * dies half way, or two instances settling at once, leave the same result.
 */
@ApplicationScoped
public class ClaimSettler {

    private static final Logger LOG = Logger.getLogger(ClaimSettler.class);

    /** Final void answers that say no debit of this claim was ever booked, besides {@code voided} itself. */
    private static final Set<String> NOT_BOOKED = Set.of(WalletReply.KEY_REUSED, WalletReply.INVALID_REQUEST);

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
        return payments.voidDebit(new VoidRequest(userId, claim.price(), claim.debitKey(), claim.reference()))
                .flatMap(answer -> {
                    String outcome = answer.map(VoidReply::outcome).orElse("no answer");
                    if (VoidReply.VOIDED.equals(outcome) || NOT_BOOKED.contains(outcome)) {
                        return steps.release(claim, ClaimStatus.VOIDING, VoidReply.VOIDED.equals(outcome)
                                        ? "voided" : "not charged: " + outcome)
                                .invoke(() -> LOG.infof("claim %d voided; it was never charged", claim.id()))
                                .replaceWithVoid();
                    }
                    if (!VoidReply.DEBITED.equals(outcome)) {
                        // no answer, busy, unavailable or unknown: next round
                        LOG.debugf("claim %d: payments cannot tell yet (%s)", claim.id(), outcome);
                        return Uni.createFrom().voidItem();
                    }
                    return refund(claim, userId);
                });
    }

    private Uni<Void> refund(Claim claim, String userId) {
        return payments.credit(new CreditRequest(userId, claim.price(), claim.refundKey(), claim.reference(),
                "claim voided")).flatMap(credit -> {
                    if (credit.isEmpty() || !credit.get().ok()) {
                        LOG.warnf("refund of claim %d not confirmed yet: %s", claim.id(),
                                credit.map(WalletReply::reason).orElse("no answer"));
                        return Uni.createFrom().voidItem();
                    }
                    return steps.release(claim, ClaimStatus.VOIDING, "refunded")
                            .invoke(() -> LOG.infof("claim %d voided and refunded", claim.id()))
                            .replaceWithVoid();
                });
    }
}
