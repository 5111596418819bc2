package io.leadline.leads.claim.rest;

import io.leadline.leads.claim.service.ClaimOutcome;
import io.leadline.leads.lead.Contact;

import java.time.Instant;

/**
 * A confirmed claim: what the provider paid for and the contact. Only facts fixed at claim time, so
 * a request repeated with the same key gets the very same body.
 */
public record ClaimView(long claimId, long leadId, String status, int price, Long newBalance, Contact contact,
        int maxClaims, Instant claimedAt) {

    public static ClaimView of(ClaimOutcome outcome) {
        var claim = outcome.claim();
        var lead = outcome.lead();
        return new ClaimView(claim.id(), claim.leadId(), claim.status().wireName(), claim.price(), claim.balanceAfter(),
                lead.contact(), lead.maxClaims(), claim.createdAt());
    }
}
