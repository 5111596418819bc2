package io.leadline.shared.event.monitor;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.util.Map;

public record FraudAlert(String rule, String severity, String transactionId, String customerRef,
        Map<String, Object> details) implements Event {

    @Override
    public EventType eventType() {
        return EventType.FRAUD_ALERT;
    }
}
