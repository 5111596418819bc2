package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.claim.repository.ClaimRepository;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.lead.repository.LeadRepository;
import io.leadline.leads.lead.service.LeadService;
import io.leadline.shared.database.NativeSql;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadClaimed;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The transactional steps of a claim, each one reactive transaction of its own. Each one locks the lead
 * row first, so reservations and confirmations of one lead happen one at a time and the number of live
 * claims never passes {@code max_claims}.
 */
@ApplicationScoped
public class ClaimSteps {

    private static final Set<LeadStatus> CLAIMABLE = EnumSet.of(LeadStatus.VERIFIED, LeadStatus.DISTRIBUTED);

    /** Leads whose life is over: they never take a claim again, not even one reserved before. */
    private static final Set<LeadStatus> ENDED = EnumSet.of(LeadStatus.CLOSED, LeadStatus.EXPIRED);

    private static final String IN_PROGRESS = "a claim with this Idempotency-Key is still being processed";

    /** Fails {@link #confirm} when the lead was closed or expired after the slot was reserved. */
    public static final class LeadEnded extends RuntimeException {

        public LeadEnded(String message) {
            super(message);
        }
    }

    @Inject
    LeadRepository leads;

    @Inject
    ClaimRepository claims;

    @Inject
    Outbox outbox;

    /** The claim to pay for, or the earlier confirmed claim when the key was used before. */
    public sealed interface Reservation permits Reserved, Replay {
    }

    public record Reserved(Claim claim, Lead lead) implements Reservation {
    }

    public record Replay(Claim claim, Lead lead) implements Reservation {
    }

    public Uni<Reservation> reserve(long leadId, long accountId, String key) {
        return Panache.withTransaction(() -> leads.findForUpdate(leadId)
                        .map(found -> found.filter(lead -> lead.status() != LeadStatus.NEW)
                                .orElseThrow(() -> LeadService.notFound(leadId)))
                        .flatMap(lead -> claims.findLiveFor(leadId, accountId, key).flatMap(live -> {
                            Optional<Claim> earlier = live.underKey();
                            if (earlier.isPresent()) {
                                return replay(earlier.get(), lead);
                            }
                            if (ENDED.contains(lead.status())) {
                                return Uni.createFrom().failure(ended(lead));
                            }
                            if (live.byAccount().isPresent()) {
                                return Uni.createFrom().failure(
                                        ProblemException.conflict("you have already claimed lead " + leadId));
                            }
                            if (lead.status() == LeadStatus.FULL || live.taken() >= lead.maxClaims()) {
                                return Uni.createFrom().failure(ProblemException.conflict("lead " + leadId + " is full"));
                            }
                            if (!CLAIMABLE.contains(lead.status())) {
                                return Uni.createFrom().failure(ProblemException.conflict(
                                        "lead " + leadId + " is " + lead.status().wireName()));
                            }
                            return claims.insertPending(leadId, accountId, key, lead.price())
                                    .map(claim -> (Reservation) new Reserved(claim, lead));
                        })))
                .onFailure(NativeSql::isUniqueViolation).transform(e -> ProblemException.conflict(IN_PROGRESS));
    }

    private static Uni<Reservation> replay(Claim claim, Lead lead) {
        if (claim.leadId() != lead.id()) {
            return Uni.createFrom().failure(ProblemException.conflict(
                    "Idempotency-Key was already used for a claim on lead " + claim.leadId()));
        }
        if (claim.status() == ClaimStatus.CONFIRMED) {
            return Uni.createFrom().item(new Replay(claim, lead));
        }
        return Uni.createFrom().failure(ProblemException.conflict(IN_PROGRESS));
    }

    /**
     * Records a paid claim and announces it, in one transaction with its outbox events. Fails (and the
     * caller compensates) when the claim is no longer pending, i.e. the settler voided it meanwhile, and
     * with {@link LeadEnded} when its lead was closed or expired.
     */
    public Uni<ClaimOutcome> confirm(Claim claim, long newBalance) {
        return outbox.inTransaction(() -> leads.findForUpdate(claim.leadId())
                .map(found -> found.orElseThrow())
                .flatMap(lead -> {
                    if (ENDED.contains(lead.status())) {
                        // closed or expired while this claim was being paid for: the slot is gone, nothing changes
                        return Uni.createFrom().failure(new LeadEnded(ended(lead).getMessage()));
                    }
                    return claims.transition(claim.id(), ClaimStatus.PENDING, ClaimStatus.CONFIRMED, newBalance,
                                    "debited")
                            .flatMap(moved -> moved ? claims.confirmedClaimants(claim.leadId())
                                    : Uni.createFrom().failure(new IllegalStateException(
                                            "claim " + claim.id() + " is no longer pending")))
                            .flatMap(claimants -> leads.recordClaim(lead.id())
                                    .flatMap(updated -> announce(claim, lead, updated, claimants.stream()
                                            .filter(accountId -> accountId != claim.accountId()).toList())
                                            .replaceWith(new ClaimOutcome(
                                                    claim.withStatus(ClaimStatus.CONFIRMED, newBalance), updated,
                                                    false))));
                }));
    }

    private Uni<?> announce(Claim claim, Lead lead, Lead updated, List<Long> earlierClaimants) {
        int current = updated.claimCount();
        boolean available = current < updated.maxClaims();
        List<Outbox.Pending> events = new ArrayList<>();
        events.add(new Outbox.Pending(Channels.LEADS, new LeadClaimed(Long.toString(lead.id()), current,
                updated.maxClaims(), available, current >= 2)));
        if (current >= 2) {
            for (long accountId : earlierClaimants) {
                events.add(new Outbox.Pending(Channels.user(accountId), new LeadAlert(Long.toString(lead.id()),
                        LeadAlert.COMPETITION, "Competition on a lead you claimed",
                        current + " of " + updated.maxClaims() + " providers have now claimed \"" + lead.title() + "\"",
                        "medium", null, current, updated.maxClaims())));
            }
        }
        return outbox.appendAll(events);
    }

    private static ProblemException ended(Lead lead) {
        return ProblemException.conflict("lead " + lead.id() + " is " + lead.status().wireName()
                + " and can no longer be claimed");
    }

    /** Frees the slot of a claim that was never paid. */
    public Uni<Boolean> release(Claim claim, ClaimStatus from, String outcome) {
        return Panache.withTransaction(() -> leads.findForUpdate(claim.leadId())
                .chain(() -> claims.transition(claim.id(), from, ClaimStatus.RELEASED, null, outcome)));
    }

    /** Marks a claim whose payment outcome is unknown, for the settler to refund and release. */
    public Uni<Boolean> markVoiding(Claim claim, String outcome) {
        return Panache.withTransaction(() -> leads.findForUpdate(claim.leadId())
                .chain(() -> claims.transition(claim.id(), ClaimStatus.PENDING, ClaimStatus.VOIDING, null, outcome)));
    }
}
