package io.leadline.notify.inbox.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.inbox.Notification;

import java.time.Instant;

/** A notification as clients see it: {@code type} and {@code data} are the event's, {@code seq} its stream sequence. */
public record NotificationView(long id, String type, String title, String message, String priority, boolean read,
        Instant createdAt, Instant readAt, String eventId, long seq, JsonNode data) {

    public static NotificationView of(Notification notification) {
        return new NotificationView(notification.id(), notification.eventType(), notification.title(),
                notification.message(), notification.priority(), notification.read(), notification.createdAt(),
                notification.readAt(), notification.eventId(), notification.streamSeq(), notification.data());
    }
}
