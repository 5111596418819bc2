package io.leadline.leads.lead.service;

import io.leadline.leads.lead.Contact;

/** A lead form after validation and normalisation, before pricing. */
public record LeadSubmission(String title, String description, String category, Contact contact, String city,
        String state, String zip, String propertyType, int units, String urgency) {
}
