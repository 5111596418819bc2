package io.leadline.payments.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.List;
import java.util.Optional;

/**
 * The native statements of payments' repositories, on the session of the caller's reactive transaction
 * ({@code Panache.withTransaction}, {@code ReactiveOutbox.inTransaction}), so they commit with it and with
 * the outbox rows written beside it. Native where the ledger needs what HQL has no word for: {@code ON
 * CONFLICT}, {@code RETURNING}, row locks ({@code FOR UPDATE}), conditional updates, advisory locks.
 *
 * <p>Rows come back as entities and are detached at once: a row read again in the same transaction (after
 * an {@code UPDATE … RETURNING}) must be the new row, never the instance the session kept from before.
 * Nothing here relies on a managed entity or its dirty checking: every write is a statement.
 */
@ApplicationScoped
public class NativeSql {

    /** Every row {@code sql} returns, as {@code type}. */
    public <E> Uni<List<E>> rows(Class<E> type, String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.createNativeQuery(sql, type), parameters)
                .getResultList()
                .invoke(rows -> rows.forEach(session::detach)));
    }

    /** The row {@code sql} returns, if any. */
    public <E> Uni<Optional<E>> row(Class<E> type, String sql, Object... parameters) {
        return rows(type, sql, parameters).map(rows -> rows.stream().findFirst());
    }

    /** The single value (or, for several columns, the single {@code Object[]}) {@code sql} returns. */
    public <T> Uni<T> scalar(String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.<T>createNativeQuery(sql), parameters)
                .getSingleResult());
    }

    /** Every row of several columns {@code sql} returns, each as {@code Object[]}. */
    public Uni<List<Object[]>> tuples(String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.<Object[]>createNativeQuery(sql), parameters)
                .getResultList());
    }

    /** Runs an {@code INSERT}, {@code UPDATE} or {@code DELETE}; returns how many rows it changed. */
    public Uni<Integer> execute(String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.createNativeQuery(sql), parameters)
                .executeUpdate());
    }

    /**
     * Holds a transaction-scoped advisory lock on ({@code space}, {@code key}) until the transaction ends:
     * callers naming the same pair run one after the other.
     */
    public Uni<Void> lock(String space, String key) {
        return scalar("SELECT true FROM (SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))) AS locked",
                space, key).replaceWithVoid();
    }

    private static <Q extends Mutiny.AbstractQuery> Q bind(Q query, Object... parameters) {
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        return query;
    }

    /** A count or id as it comes back from a native query. */
    public static long number(Object value) {
        return ((Number) value).longValue();
    }
}
