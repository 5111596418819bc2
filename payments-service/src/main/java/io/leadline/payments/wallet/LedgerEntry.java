package io.leadline.payments.wallet;

import java.time.Instant;

/** One booked balance change; {@code kind} is grant, debit, credit, top_up or refund. */
public record LedgerEntry(long id, long userId, long change, long balanceAfter, String kind, String reason,
        String reference, Instant createdAt) {
}
