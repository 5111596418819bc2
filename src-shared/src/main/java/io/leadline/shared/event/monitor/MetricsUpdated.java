package io.leadline.shared.event.monitor;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Payment metrics over a window; {@code success_rate} is a fraction between 0 and 1. Revenue is per
 * currency ({@code revenue_by_currency}, major units); {@code revenue_total} is the revenue in
 * {@code revenue_currency} only, never a sum across currencies.
 */
public record MetricsUpdated(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String window,
        String revenueCurrency, Map<String, BigDecimal> revenueByCurrency) implements Event {

    /** Metrics without the per-currency breakdown (revenue_total in an unnamed currency). */
    public MetricsUpdated(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String window) {
        this(transactionCount, successRate, revenueTotal, window, null, null);
    }

    @Override
    public EventType eventType() {
        return EventType.METRICS_UPDATED;
    }
}
