package io.leadline.payments.escrow.repository;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.EscrowStatus;
import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** Escrows and their transitions; every method runs on the session of the caller's reactive transaction. */
@ApplicationScoped
public class EscrowRepository implements PanacheRepositoryBase<EscrowRow, Long> {

    private static final String TRANSITION = """
            INSERT INTO escrow_transitions (escrow_id, old_status, new_status, actor)
            VALUES (?, CAST(? AS text), ?, ?)""";

    private static final String COLUMNS = EscrowRow.COLUMNS;


    public Uni<Escrow> insert(long buyerId, long sellerId, BigDecimal amount, String currency, String description) {
        return changed(one("INSERT INTO escrows (buyer_id, seller_id, amount, currency, description, status) "
                + "VALUES (?, ?, ?, ?, ?, 'INITIATED') RETURNING " + COLUMNS,
                buyerId, sellerId, amount, currency, description));
    }

    public Uni<Escrow> setPayment(long id, long paymentId) {
        return changed(one("UPDATE escrows SET payment_id = ? WHERE id = ? RETURNING " + COLUMNS, paymentId, id));
    }

    public Uni<Optional<Escrow>> find(long id, boolean lock) {
        return one("SELECT " + COLUMNS + " FROM escrows WHERE id = ?" + (lock ? " FOR UPDATE" : ""), id);
    }

    public Uni<Escrow> move(long id, EscrowStatus from, EscrowStatus to, String actor) {
        return one("UPDATE escrows SET status = ?, updated_at = now() WHERE id = ? AND status = ? RETURNING " + COLUMNS,
                to.name(), id, from.name())
                .map(moved -> moved.orElseThrow(
                        () -> new IllegalStateException("escrow " + id + " is no longer " + from)))
                .call(() -> NativeSql.execute(TRANSITION, id, from.name(), to.name(), actor));
    }

    public Uni<Void> created(long id, String actor) {
        return NativeSql.execute(TRANSITION, id, null, EscrowStatus.INITIATED.name(), actor).replaceWithVoid();
    }

    public Uni<Escrow> confirm(long id, boolean buyer) {
        return changed(one("UPDATE escrows SET " + (buyer ? "buyer_confirmed" : "seller_confirmed")
                + " = true, updated_at = now() WHERE id = ? RETURNING " + COLUMNS, id));
    }

    public Uni<Escrow> dispute(long id, long userId, String reason) {
        return changed(one("UPDATE escrows SET dispute_reason = ?, disputed_by = ? WHERE id = ? RETURNING " + COLUMNS,
                reason, userId, id));
    }

    public Uni<Escrow> resolutionNote(long id, String note) {
        return changed(one("UPDATE escrows SET resolution_note = ? WHERE id = ? RETURNING " + COLUMNS, note, id));
    }

    public Uni<Void> markPublished(long id) {
        return NativeSql.execute("UPDATE escrows SET parties_published_at = now() WHERE id = ?", id).replaceWithVoid();
    }

    public Uni<List<Escrow>> unpublished(int limit) {
        return NativeSql.rows(EscrowRow::read,
                "SELECT " + COLUMNS + " FROM escrows WHERE parties_published_at IS NULL ORDER BY id LIMIT ?", limit);
    }

    private Uni<Optional<Escrow>> one(String statement, Object... parameters) {
        return NativeSql.row(EscrowRow::read, statement, parameters);
    }

    private static Uni<Escrow> changed(Uni<Optional<Escrow>> row) {
        return row.map(Optional::orElseThrow);
    }
}
