package io.leadline.leads.claim;

import java.time.Instant;
import java.util.UUID;

/**
 * A claim. {@code paymentKey} is random per claim and names its wallet requests; claims made before
 * it existed have none and keep their id-based keys (they may have been debited under them).
 */
public record Claim(long id, long leadId, long accountId, String idempotencyKey, int price, ClaimStatus status,
        Long balanceAfter, Instant createdAt, Instant updatedAt, UUID paymentKey) {

    /**
     * The wallet idempotency key of this claim's debit: fixed per claim, so every retry reuses it, and
     * random, so a claim id handed out again (a restored database) never meets another claim's debit.
     */
    public String debitKey() {
        return "lead-claim-" + keyPart();
    }

    /** The key of the compensating credit, if the claim is voided after its debit. */
    public String refundKey() {
        return "lead-claim-" + keyPart() + "-refund";
    }

    public String reference() {
        return "lead:" + leadId + ":claim:" + id;
    }

    public Claim withStatus(ClaimStatus newStatus, Long newBalanceAfter) {
        return new Claim(id, leadId, accountId, idempotencyKey, price, newStatus, newBalanceAfter, createdAt, updatedAt,
                paymentKey);
    }

    private String keyPart() {
        return paymentKey == null ? Long.toString(id) : paymentKey.toString();
    }
}
