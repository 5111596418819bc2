package io.leadline.payments.transaction;

/**
 * A payment's change, handed to every {@link PaymentObserver} inside the transaction that changed the
 * payment, so observers (escrow, fraud rules) change their own state in the same commit.
 */
public record PaymentStatusChanged(Payment before, Payment after) {
}
