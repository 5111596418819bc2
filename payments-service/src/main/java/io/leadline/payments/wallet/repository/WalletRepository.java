package io.leadline.payments.wallet.repository;

import io.leadline.shared.database.NativeSql;
import io.leadline.payments.wallet.LedgerEntry;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Wallet rows and ledger entries; every method runs on the session of the caller's reactive transaction.
 * A balance changes only by one conditional statement or under the wallet's row lock
 * ({@link #lockBalance}), and the database refuses a negative balance (CHECK) and a second ledger entry
 * for a key (UNIQUE) on its own.
 */
@ApplicationScoped
public class WalletRepository implements PanacheRepositoryBase<WalletRow, Long> {

    /** The columns {@link #entry} reads, in its order. */
    private static final String ENTRY_COLUMNS =
            "id, user_id, change, balance_after, kind, reason, reference, created_at";

    private static LedgerEntry entry(NativeSql.Row row) {
        return new LedgerEntry(row.longValue(), row.longValue(), row.longValue(), row.longValue(), row.string(),
                row.string(), row.string(), row.instant());
    }

    public Uni<Void> ensureWallet(long userId) {
        return NativeSql.execute("INSERT INTO wallets (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING", userId)
                .replaceWithVoid();
    }

    /** Locks the wallet row until the transaction ends and returns its balance, or empty when there is none. */
    public Uni<OptionalLong> lockBalance(long userId) {
        return NativeSql.row(NativeSql.Row::longValue, "SELECT balance FROM wallets WHERE user_id = ? FOR UPDATE",
                        userId)
                .map(WalletRepository::balanceOf);
    }

    public Uni<OptionalLong> balance(long userId) {
        return NativeSql.row(NativeSql.Row::longValue, "SELECT balance FROM wallets WHERE user_id = ?", userId)
                .map(WalletRepository::balanceOf);
    }

    public Uni<Void> setBalance(long userId, long balance) {
        return NativeSql.execute("UPDATE wallets SET balance = ?, updated_at = now() WHERE user_id = ?", balance, userId)
                .invoke(updated -> {
                    if (updated != 1) {
                        throw new IllegalStateException("wallet " + userId + " vanished");
                    }
                })
                .replaceWithVoid();
    }

    /** Adds {@code amount} (creating the wallet if needed) and returns the new balance; one statement. */
    public Uni<Long> addToBalance(long userId, long amount) {
        return NativeSql.row(NativeSql.Row::longValue, """
                INSERT INTO wallets (user_id, balance) VALUES (?, ?)
                ON CONFLICT (user_id) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance, updated_at = now()
                RETURNING balance""", userId, amount)
                .map(row -> row.orElseThrow(() -> new IllegalStateException("wallet " + userId + " not credited")));
    }

    /** Takes {@code amount} if the balance covers it and returns the new balance; empty when it does not. */
    public Uni<OptionalLong> subtractIfCovered(long userId, long amount) {
        return NativeSql.row(NativeSql.Row::longValue, """
                UPDATE wallets SET balance = balance - ?, updated_at = now()
                WHERE user_id = ? AND balance >= ? RETURNING balance""", amount, userId, amount)
                .map(WalletRepository::balanceOf);
    }

    public Uni<Optional<LedgerEntry>> findEntryByKey(String idempotencyKey) {
        return NativeSql.row(WalletRepository::entry,
                "SELECT " + ENTRY_COLUMNS + " FROM ledger_entries WHERE idempotency_key = ?", idempotencyKey);
    }

    public Uni<LedgerEntry> insertEntry(long userId, long change, long balanceAfter, String kind, String reason,
            String reference, String idempotencyKey) {
        return NativeSql.row(WalletRepository::entry, """
                INSERT INTO ledger_entries (user_id, change, balance_after, kind, reason, reference, idempotency_key)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING\s""" + ENTRY_COLUMNS,
                userId, change, balanceAfter, kind, reason, reference, idempotencyKey)
                .map(row -> row.orElseThrow(() -> new IllegalStateException("ledger entry " + idempotencyKey
                        + " not written")));
    }

    public Uni<List<LedgerEntry>> recentEntries(long userId, int limit) {
        return NativeSql.rows(WalletRepository::entry, "SELECT " + ENTRY_COLUMNS
                + " FROM ledger_entries WHERE user_id = ? ORDER BY id DESC LIMIT ?", userId, limit);
    }

    private static OptionalLong balanceOf(Optional<Long> balance) {
        return balance.map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
