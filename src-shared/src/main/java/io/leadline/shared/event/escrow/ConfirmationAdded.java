package io.leadline.shared.event.escrow;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

public record ConfirmationAdded(String escrowId, String party, String userId, String note) implements Event {

    @Override
    public EventType eventType() {
        return EventType.CONFIRMATION_ADDED;
    }
}
