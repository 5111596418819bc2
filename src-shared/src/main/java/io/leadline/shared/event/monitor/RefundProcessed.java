package io.leadline.shared.event.monitor;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.math.BigDecimal;

public record RefundProcessed(String transactionId, String refundId, BigDecimal amount, String currency,
        String customerRef) implements Event {

    @Override
    public EventType eventType() {
        return EventType.REFUND_PROCESSED;
    }
}
