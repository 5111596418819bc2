package io.leadline.shared.event.leads;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/** A verified lead reached one matching recipient, with its score for that recipient. */
public record LeadDistributed(LeadCreated lead, LeadScore score, ReadyNotification notification) implements Event {

    @Override
    public EventType eventType() {
        return EventType.LEAD_DISTRIBUTED;
    }
}
