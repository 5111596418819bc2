package io.leadline.shared.event.escrow;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

/** A payment step of an escrow: {@code status} is the payment's state (pending, captured, refunded). */
public record PaymentStatus(String escrowId, String status, String paymentId) implements Event {

    @Override
    public EventType eventType() {
        return EventType.PAYMENT_STATUS;
    }
}
