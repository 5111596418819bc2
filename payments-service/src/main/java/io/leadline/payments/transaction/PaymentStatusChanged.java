package io.leadline.payments.transaction;

/**
 * Fired synchronously, inside the transaction that changed the payment, so observers (escrow) change
 * their own state in the same commit.
 */
public record PaymentStatusChanged(Payment before, Payment after) {
}
