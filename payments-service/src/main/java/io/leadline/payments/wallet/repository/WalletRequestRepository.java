package io.leadline.payments.wallet.repository;

import io.leadline.shared.database.NativeSql;
import io.leadline.shared.rpc.WalletReply;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Objects;
import java.util.Optional;

/** The stored first answer of each idempotent wallet request, on the caller's reactive transaction. */
@ApplicationScoped
public class WalletRequestRepository implements PanacheRepositoryBase<WalletRequestRow, WalletRequestRow.Key> {

    /** A request seen before: what it asked and what it was answered. */
    public record StoredRequest(long userId, long amount, String reference, WalletReply reply) {

        public boolean sameAs(long otherUser, long otherAmount, String otherReference) {
            return userId == otherUser && amount == otherAmount && Objects.equals(reference, otherReference);
        }
    }

    /** The columns {@link #stored} reads, in its order. */
    private static final String STORED_COLUMNS = "user_id, amount, reference, ok, new_balance, reason";

    private static StoredRequest stored(NativeSql.Row row) {
        long userId = row.longValue();
        long amount = row.longValue();
        String reference = row.string();
        // ok is null only while the claiming transaction runs, which the claim waited out
        WalletReply reply = new WalletReply(Boolean.TRUE.equals(row.nullableBool()), row.nullableLong(), row.string());
        return new StoredRequest(userId, amount, reference, reply);
    }

    /**
     * Claims the key for this transaction. Empty when the claim is new; otherwise the earlier request.
     * A concurrent transaction holding the same key makes this wait until it commits or rolls back.
     */
    public Uni<Optional<StoredRequest>> claim(String operation, String key, long userId, long amount,
            String reference) {
        return NativeSql.execute("""
                INSERT INTO wallet_requests (operation, idempotency_key, user_id, amount, reference)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (operation, idempotency_key) DO NOTHING""",
                operation, key, userId, amount, reference)
                .flatMap(inserted -> inserted == 1 ? Uni.createFrom().item(Optional.<StoredRequest>empty())
                        : NativeSql.row(WalletRequestRepository::stored, "SELECT " + STORED_COLUMNS
                                + " FROM wallet_requests WHERE operation = ? AND idempotency_key = ?", operation, key)
                        .map(row -> Optional.of(row.orElseThrow(() -> new IllegalStateException(
                                "wallet request " + key + " neither inserted nor found")))));
    }

    /**
     * Consumes a debit's key without booking anything: stores it already answered {@code voided}, so the debit,
     * if it comes later, replays that answer. Empty when this call consumed the key; otherwise the request
     * stored under it first (a debit, or an earlier void). A debit of the same key still in its transaction
     * makes this wait until it commits (then it is returned) or rolls back (then the key is consumed here).
     */
    public Uni<Optional<StoredRequest>> consume(String operation, String key, long userId, long amount,
            String reference) {
        return NativeSql.execute("""
                INSERT INTO wallet_requests (operation, idempotency_key, user_id, amount, reference, ok, reason)
                VALUES (?, ?, ?, ?, ?, false, ?) ON CONFLICT (operation, idempotency_key) DO NOTHING""",
                operation, key, userId, amount, reference, WalletReply.VOIDED)
                .flatMap(inserted -> inserted == 1 ? Uni.createFrom().item(Optional.<StoredRequest>empty())
                        : NativeSql.row(WalletRequestRepository::stored, "SELECT " + STORED_COLUMNS
                                + " FROM wallet_requests WHERE operation = ? AND idempotency_key = ?", operation, key)
                        .map(row -> Optional.of(row.orElseThrow(() -> new IllegalStateException(
                                "wallet request " + key + " neither inserted nor found")))));
    }

    public Uni<Void> answer(String operation, String key, WalletReply reply) {
        return NativeSql.execute("""
                UPDATE wallet_requests SET ok = ?, new_balance = CAST(? AS bigint), reason = ?
                WHERE operation = ? AND idempotency_key = ?""",
                reply.ok(), reply.newBalance(), reply.reason(), operation, key).replaceWithVoid();
    }

}
