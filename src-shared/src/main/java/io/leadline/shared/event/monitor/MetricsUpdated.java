package io.leadline.shared.event.monitor;

import io.leadline.shared.event.Event;
import io.leadline.shared.event.EventType;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Payment metrics over a window; {@code success_rate} is a fraction between 0 and 1. Revenue is per
 * currency ({@code revenue_by_currency}, major units); {@code revenue_total} is the revenue in
 * {@code revenue_currency} only, never a sum across currencies. {@code version} rises with every
 * snapshot and is published in its order: a snapshot with a version at or below one already seen is
 * older than it, and {@code GET /api/payments/metrics} answers with the version of what it reports.
 */
public record MetricsUpdated(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String window,
        String revenueCurrency, Map<String, BigDecimal> revenueByCurrency, long version) implements Event {

    /** Metrics without the per-currency breakdown (revenue_total in an unnamed currency) or a version. */
    public MetricsUpdated(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String window) {
        this(transactionCount, successRate, revenueTotal, window, null, null, 0);
    }

    @Override
    public EventType eventType() {
        return EventType.METRICS_UPDATED;
    }
}
