package io.leadline.payments.wallet.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.payments.wallet.LedgerEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Wallet rows and ledger entries; every method runs inside the caller's transaction. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class WalletRepository {

    private static final String ENTRY_COLUMNS =
            "id, user_id, change, balance_after, kind, reason, reference, created_at";

    @Inject
    AgroalDataSource dataSource;

    public void ensureWallet(long userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO wallets (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING")) {
            ps.setLong(1, userId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create wallet", e);
        }
    }

    /** Locks the wallet row until the transaction ends and returns its balance, or empty when there is none. */
    public OptionalLong lockBalance(long userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT balance FROM wallets WHERE user_id = ? FOR UPDATE")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock wallet", e);
        }
    }

    public OptionalLong balance(long userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT balance FROM wallets WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read wallet", e);
        }
    }

    public void setBalance(long userId, long balance) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE wallets SET balance = ?, updated_at = now() WHERE user_id = ?")) {
            ps.setLong(1, balance);
            ps.setLong(2, userId);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("wallet " + userId + " vanished");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update wallet", e);
        }
    }

    /** Adds {@code amount} (creating the wallet if needed) and returns the new balance; one statement. */
    public long addToBalance(long userId, long amount) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO wallets (user_id, balance) VALUES (?, ?)
                ON CONFLICT (user_id) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance, updated_at = now()
                RETURNING balance""")) {
            ps.setLong(1, userId);
            ps.setLong(2, amount);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot credit wallet", e);
        }
    }

    /** Takes {@code amount} if the balance covers it and returns the new balance; empty when it does not. */
    public OptionalLong subtractIfCovered(long userId, long amount) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE wallets SET balance = balance - ?, updated_at = now()
                WHERE user_id = ? AND balance >= ? RETURNING balance""")) {
            ps.setLong(1, amount);
            ps.setLong(2, userId);
            ps.setLong(3, amount);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot debit wallet", e);
        }
    }

    public Optional<LedgerEntry> findEntryByKey(String idempotencyKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT " + ENTRY_COLUMNS + " FROM ledger_entries WHERE idempotency_key = ?")) {
            ps.setString(1, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read ledger", e);
        }
    }

    public LedgerEntry insertEntry(long userId, long change, long balanceAfter, String kind, String reason,
            String reference, String idempotencyKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO ledger_entries (user_id, change, balance_after, kind, reason, reference, idempotency_key)
                        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING """ + " " + ENTRY_COLUMNS)) {
            ps.setLong(1, userId);
            ps.setLong(2, change);
            ps.setLong(3, balanceAfter);
            ps.setString(4, kind);
            ps.setString(5, reason);
            ps.setString(6, reference);
            ps.setString(7, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return entry(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write ledger", e);
        }
    }

    public List<LedgerEntry> recentEntries(long userId, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS
                        + " FROM ledger_entries WHERE user_id = ? ORDER BY id DESC LIMIT ?")) {
            ps.setLong(1, userId);
            ps.setInt(2, limit);
            List<LedgerEntry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read ledger", e);
        }
    }

    private static LedgerEntry entry(ResultSet rs) throws SQLException {
        return new LedgerEntry(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant());
    }
}
