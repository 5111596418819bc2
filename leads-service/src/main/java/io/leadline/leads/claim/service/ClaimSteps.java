package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.claim.ClaimStatus;
import io.leadline.leads.claim.repository.ClaimRepository;
import io.leadline.leads.jdbc.Jdbc;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.lead.repository.LeadRepository;
import io.leadline.leads.lead.service.LeadService;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadClaimed;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The transactional steps of a claim. Each one locks the lead row first, so reservations and
 * confirmations of one lead happen one at a time and the number of live claims never passes
 * {@code max_claims}.
 */
@ApplicationScoped
public class ClaimSteps {

    private static final Set<LeadStatus> CLAIMABLE = EnumSet.of(LeadStatus.VERIFIED, LeadStatus.DISTRIBUTED);

    /** Leads whose life is over: they never take a claim again, not even one reserved before. */
    private static final Set<LeadStatus> ENDED = EnumSet.of(LeadStatus.CLOSED, LeadStatus.EXPIRED);

    /** Thrown by {@link #confirm} when the lead was closed or expired after the slot was reserved. */
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

    @Transactional
    public Reservation reserve(long leadId, long accountId, String key) {
        Lead lead = leads.findForUpdate(leadId).filter(found -> found.status() != LeadStatus.NEW)
                .orElseThrow(() -> LeadService.notFound(leadId));
        var earlier = claims.findLiveByKey(accountId, key);
        if (earlier.isPresent()) {
            Claim claim = earlier.get();
            if (claim.leadId() != leadId) {
                throw ProblemException.conflict("Idempotency-Key was already used for a claim on lead " + claim.leadId());
            }
            if (claim.status() == ClaimStatus.CONFIRMED) {
                return new Replay(claim, lead);
            }
            throw ProblemException.conflict("a claim with this Idempotency-Key is still being processed");
        }
        if (ENDED.contains(lead.status())) {
            throw ended(lead);
        }
        if (claims.findLive(leadId, accountId).isPresent()) {
            throw ProblemException.conflict("you have already claimed lead " + leadId);
        }
        if (lead.status() == LeadStatus.FULL || claims.countLive(leadId) >= lead.maxClaims()) {
            throw ProblemException.conflict("lead " + leadId + " is full");
        }
        if (!CLAIMABLE.contains(lead.status())) {
            throw ProblemException.conflict("lead " + leadId + " is " + lead.status().wireName());
        }
        try {
            return new Reserved(claims.insertPending(leadId, accountId, key, lead.price()), lead);
        } catch (Jdbc.DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw ProblemException.conflict("a claim with this Idempotency-Key is still being processed");
            }
            throw e;
        }
    }

    /**
     * Records a paid claim and announces it. Fails (and the caller compensates) when the claim is no
     * longer pending, i.e. the settler voided it meanwhile.
     */
    @Transactional
    public ClaimOutcome confirm(Claim claim, long newBalance) {
        Lead lead = leads.findForUpdate(claim.leadId()).orElseThrow();
        if (ENDED.contains(lead.status())) {
            // closed or expired while this claim was being paid for: the slot is gone, nothing changes here
            throw new LeadEnded(ended(lead).getMessage());
        }
        if (!claims.transition(claim.id(), ClaimStatus.PENDING, ClaimStatus.CONFIRMED, newBalance, "debited")) {
            throw new IllegalStateException("claim " + claim.id() + " is no longer pending");
        }
        List<Long> earlierClaimants = claims.confirmedClaimants(claim.leadId()).stream()
                .filter(accountId -> accountId != claim.accountId()).toList();
        Lead updated = leads.recordClaim(lead.id());
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
        outbox.appendAll(events);
        Claim confirmed = claim.withStatus(ClaimStatus.CONFIRMED, newBalance);
        return new ClaimOutcome(confirmed, updated, false);
    }

    private static ProblemException ended(Lead lead) {
        return ProblemException.conflict("lead " + lead.id() + " is " + lead.status().wireName()
                + " and can no longer be claimed");
    }

    /** Frees the slot of a claim that was never paid. */
    @Transactional
    public boolean release(Claim claim, ClaimStatus from, String outcome) {
        leads.findForUpdate(claim.leadId());
        return claims.transition(claim.id(), from, ClaimStatus.RELEASED, null, outcome);
    }

    /** Marks a claim whose payment outcome is unknown, for the settler to refund and release. */
    @Transactional
    public boolean markVoiding(Claim claim, String outcome) {
        leads.findForUpdate(claim.leadId());
        return claims.transition(claim.id(), ClaimStatus.PENDING, ClaimStatus.VOIDING, null, outcome);
    }
}
