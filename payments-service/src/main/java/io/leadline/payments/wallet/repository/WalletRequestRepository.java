package io.leadline.payments.wallet.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.shared.rpc.WalletReply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;
import java.util.Optional;

/** The stored first answer of each idempotent wallet request. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class WalletRequestRepository {

    /** A request seen before: what it asked and what it was answered. */
    public record StoredRequest(long userId, long amount, String reference, WalletReply reply) {

        public boolean sameAs(long otherUser, long otherAmount, String otherReference) {
            return userId == otherUser && amount == otherAmount && Objects.equals(reference, otherReference);
        }
    }

    @Inject
    AgroalDataSource dataSource;

    /**
     * Claims the key for this transaction. Empty when the claim is new; otherwise the earlier request.
     * A concurrent transaction holding the same key makes this wait until it commits or rolls back.
     */
    public Optional<StoredRequest> claim(String operation, String key, long userId, long amount, String reference) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO wallet_requests (operation, idempotency_key, user_id, amount, reference)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (operation, idempotency_key) DO NOTHING""")) {
                insert.setString(1, operation);
                insert.setString(2, key);
                insert.setLong(3, userId);
                insert.setLong(4, amount);
                insert.setString(5, reference);
                if (insert.executeUpdate() == 1) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement select = c.prepareStatement("""
                    SELECT user_id, amount, reference, ok, new_balance, reason FROM wallet_requests
                    WHERE operation = ? AND idempotency_key = ?""")) {
                select.setString(1, operation);
                select.setString(2, key);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("wallet request " + key + " neither inserted nor found");
                    }
                    long balance = rs.getLong(5);
                    Long newBalance = rs.wasNull() ? null : balance;
                    WalletReply reply = new WalletReply(rs.getBoolean(4), newBalance, rs.getString(6));
                    return Optional.of(new StoredRequest(rs.getLong(1), rs.getLong(2), rs.getString(3), reply));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot claim idempotency key", e);
        }
    }

    public void answer(String operation, String key, WalletReply reply) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        UPDATE wallet_requests SET ok = ?, new_balance = ?, reason = ?
                        WHERE operation = ? AND idempotency_key = ?""")) {
            ps.setBoolean(1, reply.ok());
            if (reply.newBalance() == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, reply.newBalance());
            }
            ps.setString(3, reply.reason());
            ps.setString(4, operation);
            ps.setString(5, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store answer", e);
        }
    }
}
