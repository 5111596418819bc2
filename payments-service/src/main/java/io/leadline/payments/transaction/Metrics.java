package io.leadline.payments.transaction;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Payments created within {@code window}: how many, the share of settled ones that succeeded (0 to 1),
 * and what was captured minus what was refunded, per currency ({@code revenueByCurrency}, major
 * units). {@code revenueTotal} is the revenue in {@code revenueCurrency} alone: amounts in different
 * currencies are never added up. {@code version} orders the states metrics are read from: every change
 * of a payment raises it, and metrics of a higher version include every change of a lower one.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class) // as the wire has them, in the OpenAPI too
public record Metrics(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String revenueCurrency,
        Map<String, BigDecimal> revenueByCurrency, String window, long version) {
}
