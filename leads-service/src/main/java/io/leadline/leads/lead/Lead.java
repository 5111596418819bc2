package io.leadline.leads.lead;

import java.time.Instant;

public record Lead(
        long id,
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
        LeadStatus status,
        int price,
        int maxClaims,
        int claimCount,
        Instant createdAt,
        Instant verifiedAt) {
}
