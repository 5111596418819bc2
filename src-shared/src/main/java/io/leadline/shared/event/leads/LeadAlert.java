package io.leadline.shared.event.leads;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/**
 * A lead worth acting on now: {@code reason} is {@code excellent_lead} for a top-scored lead or
 * {@code competition} when others claimed a lead the recipient holds.
 */
public record LeadAlert(String leadId, String reason, String title, String message, String priority,
        Integer score, Integer currentClaims, Integer totalClaims) implements Event {

    public static final String EXCELLENT_LEAD = "excellent_lead";
    public static final String COMPETITION = "competition";

    @Override
    public EventType eventType() {
        return EventType.LEAD_ALERT;
    }
}
