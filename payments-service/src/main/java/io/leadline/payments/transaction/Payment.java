package io.leadline.payments.transaction;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment through a provider; {@code kind} is top_up or escrow, {@code status} pending, succeeded,
 * failed or refunded. {@code amountMinor} is the amount in the currency's smallest unit, what the
 * provider must report to settle it; {@code amount} is the same in major units.
 */
public record Payment(long id, String kind, long customerId, BigDecimal amount, String currency, Long credits,
        String provider, String providerReference, String status, BigDecimal refundedAmount, String failureReason,
        Long escrowId, Instant createdAt, Instant updatedAt, long amountMinor) {

    public static final String TOP_UP = "top_up";
    public static final String ESCROW = "escrow";
    public static final String PENDING = "pending";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String REFUNDED = "refunded";

    public BigDecimal refundable() {
        return SUCCEEDED.equals(status) ? amount.subtract(refundedAmount) : BigDecimal.ZERO;
    }

    public boolean isTopUp() {
        return TOP_UP.equals(kind);
    }
}
