package io.leadline.payments.transaction;

import java.math.BigDecimal;

/**
 * Payments created within {@code window}: how many, the share of settled ones that succeeded (0 to 1),
 * and what was captured minus what was refunded (summed across currencies as recorded).
 */
public record Metrics(long transactionCount, BigDecimal successRate, BigDecimal revenueTotal, String window) {
}
