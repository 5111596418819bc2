package io.leadline.shared.event.user;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.util.List;

/**
 * Notifications marked read on one connection, so every other connection of the user clears them too.
 * {@code unreadCount} is exact for the inbox events up to stream sequence {@code asOfSeq}, at version
 * {@code readVersion} of the user's read state; a client adds the inbox events it received after that
 * sequence, and ignores a snapshot with a lower sequence or a lower version than one it already applied.
 */
public record NotificationRead(List<Long> notificationIds, boolean all, long unreadCount, long asOfSeq,
        long readVersion) implements Event {

    @Override
    public EventType eventType() {
        return EventType.NOTIFICATION_READ;
    }
}
