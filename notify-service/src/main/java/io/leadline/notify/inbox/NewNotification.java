package io.leadline.notify.inbox;

import java.time.Instant;

/** An inbox entry to store for one recipient; {@code (userId, eventId)} makes storing it idempotent. */
public record NewNotification(String userId, String eventId, String eventType, long streamSeq, String title,
        String message, String priority, String dataJson, Instant createdAt) {
}
