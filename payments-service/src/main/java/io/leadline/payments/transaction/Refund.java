package io.leadline.payments.transaction;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A refund of a payment. {@code requestFingerprint} identifies the request that created it (payment,
 * amount asked, reason), so its idempotency key replays only that request; null for older refunds.
 */
public record Refund(long id, long paymentId, BigDecimal amount, String source, String reason,
        long creditsClawedBack, long creditsShortfall, Instant createdAt, String requestFingerprint) {
}
