package io.leadline.shared.event.monitor;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.util.Map;

/** {@code summary} is the alert in one sentence for people; {@code details} what the rule measured, for programs. */
public record FraudAlert(String rule, String severity, String transactionId, String customerRef, String summary,
        Map<String, Object> details) implements Event {

    @Override
    public EventType eventType() {
        return EventType.FRAUD_ALERT;
    }
}
