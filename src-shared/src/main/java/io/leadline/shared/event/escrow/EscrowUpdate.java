package io.leadline.shared.event.escrow;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.math.BigDecimal;

/** {@code event_type} names what happened: created, held, released, refunded, disputed, resolved. */
public record EscrowUpdate(String escrowId, String status, BigDecimal amount, String currency,
        @JsonProperty("event_type") String kind) implements Event {

    @Override
    public EventType eventType() {
        return EventType.ESCROW_UPDATE;
    }
}
