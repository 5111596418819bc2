package io.leadline.shared.event.monitor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/** A provider webhook and its outcome; {@code stage} picks received, processed or failed (null when read back). */
public record WebhookEvent(@JsonIgnore EventType stage, String provider, String eventId, String type, String status,
        String error) implements Event {

    public WebhookEvent {
        if (stage != null && stage != EventType.WEBHOOK_RECEIVED && stage != EventType.WEBHOOK_PROCESSED
                && stage != EventType.WEBHOOK_FAILED) {
            throw new IllegalArgumentException("not a webhook stage: " + stage);
        }
    }

    @Override
    public EventType eventType() {
        return stage;
    }
}
