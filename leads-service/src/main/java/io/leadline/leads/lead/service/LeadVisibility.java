package io.leadline.leads.lead.service;

import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who sees what: unverified leads only admins (they may be spam), live leads everyone allowed on
 * the marketplace, contact details only admins and the lead's claimants.
 */
@ApplicationScoped
public class LeadVisibility {

    private static final Set<LeadStatus> MARKETPLACE =
            EnumSet.of(LeadStatus.VERIFIED, LeadStatus.DISTRIBUTED, LeadStatus.FULL);

    @Inject
    Instance<ClaimantCheck> claimants;

    /** Answers whether an account holds a claim on a lead; provided by the claim feature. */
    public interface ClaimantCheck {
        /** Runs in the caller's reactive session. */
        Uni<Boolean> hasClaimed(long leadId, long accountId);
    }

    public Set<LeadStatus> visibleStatuses(Caller caller) {
        return caller.isAdmin() ? EnumSet.allOf(LeadStatus.class) : MARKETPLACE;
    }

    public boolean canSee(Lead lead, Caller caller) {
        return visibleStatuses(caller).contains(lead.status());
    }

    /** Asks the claimants' checks one after the other, in the current reactive transaction or a new one. */
    public Uni<Boolean> canSeeContact(Lead lead, Caller caller) {
        if (caller.isAdmin()) {
            return Uni.createFrom().item(true);
        }
        Optional<Long> accountId = caller.userIdIfAuthenticated();
        if (accountId.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return Panache.withTransaction(() -> {
            Uni<Boolean> seen = Uni.createFrom().item(false);
            for (ClaimantCheck check : claimants) {
                seen = seen.flatMap(found -> found ? Uni.createFrom().item(true)
                        : check.hasClaimed(lead.id(), accountId.get()));
            }
            return seen;
        });
    }
}
