package io.leadline.shared.rpc;

/** A charge of {@code amount} credits, idempotent by {@code idempotency_key}. */
public record DebitRequest(String userId, long amount, String idempotencyKey, String reference) {
}
