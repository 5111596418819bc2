package io.leadline.shared.event.monitor;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.math.BigDecimal;

/** Payment metrics over a window; {@code success_rate} is a fraction between 0 and 1. */
public record MetricsUpdated(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String window)
        implements Event {

    @Override
    public EventType eventType() {
        return EventType.METRICS_UPDATED;
    }
}
