package io.leadline.payments.transaction;

import java.math.BigDecimal;
import java.time.Instant;

public record Refund(long id, long paymentId, BigDecimal amount, String source, String reason,
        long creditsClawedBack, long creditsShortfall, Instant createdAt) {
}
