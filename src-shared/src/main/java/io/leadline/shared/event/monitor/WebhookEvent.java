package io.leadline.shared.event.monitor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/**
 * A provider webhook and its outcome; {@code stage} picks received, processed or failed (null when read
 * back). {@code count} is set only on the periodic summary of refused unsigned requests (a
 * {@code webhook_failed} with status {@code rejected} and no event id): how many were refused.
 */
public record WebhookEvent(@JsonIgnore EventType stage, String provider, String eventId, String type, String status,
        String error, Long count) implements Event {

    public WebhookEvent {
        if (stage != null && stage != EventType.WEBHOOK_RECEIVED && stage != EventType.WEBHOOK_PROCESSED
                && stage != EventType.WEBHOOK_FAILED) {
            throw new IllegalArgumentException("not a webhook stage: " + stage);
        }
    }

    /** One webhook request. */
    public WebhookEvent(EventType stage, String provider, String eventId, String type, String status, String error) {
        this(stage, provider, eventId, type, status, error, null);
    }

    @Override
    public EventType eventType() {
        return stage;
    }
}
