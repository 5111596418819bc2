package io.leadline.payments.transaction;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Payments created within {@code window}: how many, the share of settled ones that succeeded (0 to 1),
 * and what was captured minus what was refunded, per currency ({@code revenueByCurrency}, major
 * units). {@code revenueTotal} is the revenue in {@code revenueCurrency} alone: amounts in different
 * currencies are never added up.
 */
public record Metrics(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String revenueCurrency,
        Map<String, BigDecimal> revenueByCurrency, String window) {
}
