package io.leadline.shared.rpc;

/**
 * Settles a debit whose outcome the asker does not know: the same fields as the {@link DebitRequest} it
 * may have sent. Consumes the debit's key either way, so the answer ({@link VoidReply}) is final.
 */
public record VoidRequest(String userId, long amount, String idempotencyKey, String reference) {

    public static VoidRequest of(DebitRequest debit) {
        return new VoidRequest(debit.userId(), debit.amount(), debit.idempotencyKey(), debit.reference());
    }
}
