package io.leadline.leads.claim;

import java.time.Instant;

public record Claim(long id, long leadId, long accountId, String idempotencyKey, int price, ClaimStatus status,
        Long balanceAfter, Instant createdAt, Instant updatedAt) {

    /** The wallet idempotency key of this claim's debit: derived from the claim, so every retry reuses it. */
    public String debitKey() {
        return "lead-claim-" + id;
    }

    /** The key of the compensating credit, if the claim is voided after its debit. */
    public String refundKey() {
        return "lead-claim-" + id + "-refund";
    }

    public String reference() {
        return "lead:" + leadId + ":claim:" + id;
    }
}
