package io.leadline.leads.lead;

/** A validated, normalised lead form with the price and claim limit of its category. */
public record NewLead(
        String title,
        String description,
        String category,
        Contact contact,
        String city,
        String state,
        String zip,
        String propertyType,
        int units,
        String urgency,
        int price,
        int maxClaims) {
}
