package io.leadline.payments.wallet;

/**
 * The outcome of a ledger booking: {@code applied} when this call booked {@code entry}, otherwise the
 * entry an earlier call booked under the same idempotency key; {@code entry} is null when funds were short.
 */
public record WalletChange(boolean applied, LedgerEntry entry, long previousBalance, long balance) {

    public boolean insufficient() {
        return entry == null;
    }
}
