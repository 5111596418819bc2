package io.leadline.notify.inbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** One entry of a user's inbox: a notification-like event, with the text to show for it. */
public record Notification(long id, String userId, String eventId, String eventType, long streamSeq, String title,
        String message, String priority, JsonNode data, Instant createdAt, Instant readAt) {

    public boolean read() {
        return readAt != null;
    }
}
