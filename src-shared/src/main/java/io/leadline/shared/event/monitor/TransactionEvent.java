package io.leadline.shared.event.monitor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.math.BigDecimal;
import java.time.Instant;

/** A payment transaction as the monitoring dashboard sees it ({@code transaction_created} or {@code _updated}). */
public record TransactionEvent(@JsonIgnore boolean created, String id, BigDecimal amount, String currency,
        String status, String provider, String customerRef, Instant createdAt) implements Event {

    @Override
    public EventType eventType() {
        return created ? EventType.TRANSACTION_CREATED : EventType.TRANSACTION_UPDATED;
    }
}
