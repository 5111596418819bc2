package io.leadline.leads.lead.service;

import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.shared.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.EnumSet;
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
        boolean hasClaimed(long leadId, long accountId);
    }

    public Set<LeadStatus> visibleStatuses(Caller caller) {
        return caller.isAdmin() ? EnumSet.allOf(LeadStatus.class) : MARKETPLACE;
    }

    public boolean canSee(Lead lead, Caller caller) {
        return visibleStatuses(caller).contains(lead.status());
    }

    public boolean canSeeContact(Lead lead, Caller caller) {
        if (caller.isAdmin()) {
            return true;
        }
        return caller.userIdIfAuthenticated()
                .map(accountId -> claimants.stream().anyMatch(check -> check.hasClaimed(lead.id(), accountId)))
                .orElse(false);
    }
}
