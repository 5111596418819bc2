package io.leadline.shared.event.user;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/** A message an admin or the platform sends to a user. */
public record NotificationMessage(String title, String message, String priority, String sender) implements Event {

    @Override
    public EventType eventType() {
        return EventType.NOTIFICATION_MESSAGE;
    }
}
