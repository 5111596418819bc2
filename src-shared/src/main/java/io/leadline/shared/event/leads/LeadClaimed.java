package io.leadline.shared.event.leads;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/** A claim was recorded; {@code competitive} from the second claim on, {@code available} until full. */
public record LeadClaimed(String leadId, int currentClaims, int totalClaims, boolean available, boolean competitive)
        implements Event {

    @Override
    public EventType eventType() {
        return EventType.LEAD_CLAIMED;
    }
}
