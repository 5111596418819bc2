package io.leadline.leads.lead.service;

import io.leadline.leads.lead.Lead;
import io.leadline.shared.event.leads.LeadCreated;

/** The public face of a lead on the bus. Built field by field so contact data can never slip in. */
public final class LeadEvents {

    private LeadEvents() {
    }

    public static LeadCreated created(Lead lead) {
        return new LeadCreated(Long.toString(lead.id()), lead.title(), lead.description(), lead.category(),
                lead.city(), lead.state(), lead.urgency(), lead.propertyType(), lead.units(), lead.price(),
                lead.maxClaims(), lead.createdAt());
    }
}
