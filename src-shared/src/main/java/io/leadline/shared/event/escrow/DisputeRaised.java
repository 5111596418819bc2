package io.leadline.shared.event.escrow;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

public record DisputeRaised(String escrowId, String raisedBy, String reason) implements Event {

    @Override
    public EventType eventType() {
        return EventType.DISPUTE_RAISED;
    }
}
