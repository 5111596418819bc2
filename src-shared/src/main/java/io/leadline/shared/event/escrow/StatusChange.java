package io.leadline.shared.event.escrow;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

public record StatusChange(String escrowId, String oldStatus, String newStatus, String actor) implements Event {

    @Override
    public EventType eventType() {
        return EventType.STATUS_CHANGE;
    }
}
