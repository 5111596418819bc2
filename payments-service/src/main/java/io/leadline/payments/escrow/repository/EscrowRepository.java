package io.leadline.payments.escrow.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.EscrowStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class EscrowRepository {

    private static final String COLUMNS = "id, buyer_id, seller_id, amount, currency, description, status, payment_id, "
            + "buyer_confirmed, seller_confirmed, dispute_reason, disputed_by, resolution_note, parties_published_at, "
            + "created_at, updated_at";

    @Inject
    AgroalDataSource dataSource;

    public Escrow insert(long buyerId, long sellerId, BigDecimal amount, String currency, String description) {
        return one("INSERT INTO escrows (buyer_id, seller_id, amount, currency, description, status) "
                + "VALUES (?, ?, ?, ?, ?, 'INITIATED') RETURNING " + COLUMNS,
                buyerId, sellerId, amount, currency, description).orElseThrow();
    }

    public Escrow setPayment(long id, long paymentId) {
        return one("UPDATE escrows SET payment_id = ? WHERE id = ? RETURNING " + COLUMNS, paymentId, id).orElseThrow();
    }

    public Optional<Escrow> find(long id, boolean lock) {
        return one("SELECT " + COLUMNS + " FROM escrows WHERE id = ?" + (lock ? " FOR UPDATE" : ""), id);
    }

    public Escrow move(long id, EscrowStatus from, EscrowStatus to, String actor) {
        Escrow escrow = one("UPDATE escrows SET status = ?, updated_at = now() WHERE id = ? AND status = ? RETURNING "
                + COLUMNS, to.name(), id, from.name())
                .orElseThrow(() -> new IllegalStateException("escrow " + id + " is no longer " + from));
        execute("INSERT INTO escrow_transitions (escrow_id, old_status, new_status, actor) VALUES (?, ?, ?, ?)",
                id, from.name(), to.name(), actor);
        return escrow;
    }

    public void created(long id, String actor) {
        execute("INSERT INTO escrow_transitions (escrow_id, old_status, new_status, actor) VALUES (?, NULL, 'INITIATED', ?)",
                id, actor);
    }

    public Escrow confirm(long id, boolean buyer) {
        return one("UPDATE escrows SET " + (buyer ? "buyer_confirmed" : "seller_confirmed")
                + " = true, updated_at = now() WHERE id = ? RETURNING " + COLUMNS, id).orElseThrow();
    }

    public Escrow dispute(long id, long userId, String reason) {
        return one("UPDATE escrows SET dispute_reason = ?, disputed_by = ? WHERE id = ? RETURNING " + COLUMNS,
                reason, userId, id).orElseThrow();
    }

    public Escrow resolutionNote(long id, String note) {
        return one("UPDATE escrows SET resolution_note = ? WHERE id = ? RETURNING " + COLUMNS, note, id).orElseThrow();
    }

    public void markPublished(long id) {
        execute("UPDATE escrows SET parties_published_at = now() WHERE id = ?", id);
    }

    public List<Escrow> unpublished(int limit) {
        return many("SELECT " + COLUMNS + " FROM escrows WHERE parties_published_at IS NULL ORDER BY id LIMIT ?", limit);
    }

    private Optional<Escrow> one(String sql, Object... args) {
        List<Escrow> rows = many(sql, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private List<Escrow> many(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<Escrow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(escrow(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("escrow query failed", e);
        }
    }

    private void execute(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("escrow update failed", e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private static Escrow escrow(ResultSet rs) throws SQLException {
        long payment = rs.getLong(8);
        Long paymentId = rs.wasNull() ? null : payment;
        long disputed = rs.getLong(12);
        Long disputedBy = rs.wasNull() ? null : disputed;
        Timestamp published = rs.getTimestamp(14);
        return new Escrow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBigDecimal(4), rs.getString(5).trim(),
                rs.getString(6), EscrowStatus.valueOf(rs.getString(7)), paymentId, rs.getBoolean(9), rs.getBoolean(10),
                rs.getString(11), disputedBy, rs.getString(13), published == null ? null : published.toInstant(),
                rs.getTimestamp(15).toInstant(), rs.getTimestamp(16).toInstant());
    }
}
