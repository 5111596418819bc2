package io.leadline.shared.event.user;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.util.List;

/** Notifications marked read on one connection, so every other connection of the user clears them too. */
public record NotificationRead(List<Long> notificationIds, boolean all, long unreadCount) implements Event {

    @Override
    public EventType eventType() {
        return EventType.NOTIFICATION_READ;
    }
}
