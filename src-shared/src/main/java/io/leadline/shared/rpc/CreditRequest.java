package io.leadline.shared.rpc;

/** A credit of {@code amount} credits (for example a compensating refund), idempotent by key. */
public record CreditRequest(String userId, long amount, String idempotencyKey, String reference, String reason) {
}
