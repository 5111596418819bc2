package io.leadline.payments.transaction;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * Payments over time for the monitor's charts, in buckets of {@code step} by creation time, oldest
 * first: how many were created, the share of those that came to an end that succeeded (null when none
 * did yet), and the revenue in {@code revenueCurrency} (captured minus refunded, major units).
 * {@code version} is the metrics version of the state it was read from ({@link Metrics#version()}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class) // as the wire has them, in the OpenAPI too
public record MetricsSeries(long version, String window, String step, String revenueCurrency, List<Point> points) {

    /** One bucket; {@code successRate} is null when no payment of it came to an end yet. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(name = "MetricsSeriesPoint")
    public record Point(Instant startsAt, long transactionCount, long succeeded, long settled, BigDecimal successRate,
            BigDecimal revenue) {
    }

    /** One bucket as the repository reads it, each carrying the version of the statement's snapshot. */
    public record Row(long version, Instant startsAt, long created, long succeeded, long settled, BigDecimal revenue) {

        Point point() {
            BigDecimal rate = settled == 0 ? null
                    : BigDecimal.valueOf(succeeded).divide(BigDecimal.valueOf(settled), 4, RoundingMode.HALF_UP);
            return new Point(startsAt, created, succeeded, settled, rate, revenue.setScale(2, RoundingMode.HALF_UP));
        }
    }

    public static MetricsSeries of(List<Row> rows, String window, String step, String revenueCurrency) {
        long version = rows.isEmpty() ? 0 : rows.get(0).version();
        return new MetricsSeries(version, window, step, revenueCurrency, rows.stream().map(Row::point).toList());
    }
}
