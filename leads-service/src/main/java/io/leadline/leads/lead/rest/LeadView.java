package io.leadline.leads.lead.rest;

import io.leadline.leads.lead.Contact;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;

import java.time.Instant;

/** A lead as the API shows it; {@code contact} is absent unless the caller may see it. */
public record LeadView(
        long id,
        String title,
        String description,
        String category,
        String city,
        String state,
        String zip,
        String propertyType,
        int units,
        String urgency,
        String status,
        int price,
        int maxClaims,
        int currentClaims,
        boolean available,
        Instant createdAt,
        Instant verifiedAt,
        Contact contact) {

    public static LeadView of(Lead lead, boolean withContact) {
        return new LeadView(lead.id(), lead.title(), lead.description(), lead.category(), lead.city(), lead.state(),
                lead.zip(), lead.propertyType(), lead.units(), lead.urgency(), lead.status().wireName(), lead.price(),
                lead.maxClaims(), lead.claimCount(), claimable(lead), lead.createdAt(),
                lead.verifiedAt(), withContact ? lead.contact() : null);
    }

    private static boolean claimable(Lead lead) {
        return (lead.status() == LeadStatus.VERIFIED || lead.status() == LeadStatus.DISTRIBUTED)
                && lead.claimCount() < lead.maxClaims();
    }
}
