package io.leadline.leads.claim.service;

import io.leadline.leads.claim.Claim;
import io.leadline.leads.lead.Lead;

/** A confirmed claim with its lead; {@code replayed} when an earlier request with the same key made it. */
public record ClaimOutcome(Claim claim, Lead lead, boolean replayed) {
}
