package io.leadline.payments.wallet.rest;

import io.leadline.payments.wallet.LedgerEntry;

/** {@code replayed} is true when the Idempotency-Key had already been used: nothing new was booked. */
public record GrantResponse(LedgerEntry entry, long newBalance, boolean replayed) {
}
