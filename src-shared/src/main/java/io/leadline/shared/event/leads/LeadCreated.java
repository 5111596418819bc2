package io.leadline.shared.event.leads;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.time.Instant;

/** A lead as everyone on {@code leads} may see it: never the contact's name, email or phone. */
public record LeadCreated(
        String id,
        String title,
        String description,
        String category,
        String city,
        String state,
        String urgency,
        String propertyType,
        int units,
        int price,
        int maxClaims,
        Instant createdAt) implements Event {

    @Override
    public EventType eventType() {
        return EventType.LEAD_CREATED;
    }
}
