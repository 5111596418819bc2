package io.leadline.shared.database;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Native statements on the session of the caller's reactive transaction ({@code Panache.withTransaction}
 * or {@code Outbox.inTransaction}), so they commit with it and with the outbox rows written beside
 * it: every service's repositories use them for what HQL has no word for ({@code ON CONFLICT},
 * {@code RETURNING}, row locks with {@code FOR UPDATE} and {@code SKIP LOCKED}, conditional updates,
 * advisory locks, the database's clock). Parameters are JDBC-style {@code ?}, bound in order.
 *
 * <p>Entities read by {@link #rows} are detached at once: repositories hand out records, never managed
 * entities, and a later statement of the same transaction (an {@code UPDATE … RETURNING} of a row read
 * before) must give the row as it is now, not the instance the session would otherwise keep.
 */
public final class NativeSql {

    private static final String UNIQUE_VIOLATION = "23505";

    private NativeSql() {
    }

    /** The rows of {@code entity} that {@code sql} returns, detached from the session. */
    public static <E> Uni<List<E>> rows(Class<E> entity, String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.createNativeQuery(sql, entity), parameters)
                .getResultList()
                .invoke(rows -> rows.forEach(session::detach)));
    }

    /** The one row {@code sql} returns, if any; more than one is a mistake in the statement. */
    public static <E> Uni<Optional<E>> row(Class<E> entity, String sql, Object... parameters) {
        return rows(entity, sql, parameters).map(rows -> single(rows, sql));
    }

    /** The first column of every row. */
    public static <T> Uni<List<T>> scalars(String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.<T>createNativeQuery(sql), parameters)
                .getResultList());
    }

    /** The first column of the one row {@code sql} returns, if any. */
    public static <T> Uni<Optional<T>> scalar(String sql, Object... parameters) {
        return NativeSql.<T>scalars(sql, parameters).map(rows -> single(rows, sql));
    }

    /** Every row of several columns {@code sql} returns, each as {@code Object[]}. */
    public static Uni<List<Object[]>> tuples(String sql, Object... parameters) {
        return scalars(sql, parameters);
    }

    /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
    public static Uni<Integer> execute(String sql, Object... parameters) {
        return Panache.getSession().flatMap(session -> bind(session.createNativeQuery(sql), parameters)
                .executeUpdate());
    }

    /**
     * Holds a transaction-scoped advisory lock on ({@code space}, {@code key}) until the transaction ends:
     * callers naming the same pair run one after the other.
     */
    public static Uni<Void> lock(String space, String key) {
        return scalar("SELECT true FROM (SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))) AS locked",
                space, key).replaceWithVoid();
    }

    /** {@code ?, ?, ?}: one placeholder per value, for an {@code IN (…)} list. */
    public static String placeholders(Collection<?> values) {
        StringJoiner joined = new StringJoiner(", ");
        values.forEach(value -> joined.add("?"));
        return joined.toString();
    }

    /** A count or id as it comes back from a native query. */
    public static long number(Object value) {
        return ((Number) value).longValue();
    }

    /** Whether {@code failure}, or one of its causes, is PostgreSQL refusing a duplicate key. */
    public static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
            if (cause instanceof JDBCException jdbc && UNIQUE_VIOLATION.equals(jdbc.getSQLState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static <T> Optional<T> single(List<T> rows, String sql) {
        if (rows.size() > 1) {
            throw new IllegalStateException("more than one row for: " + sql.strip().lines().findFirst().orElse(sql));
        }
        return rows.stream().findFirst();
    }

    private static <Q extends Mutiny.AbstractQuery> Q bind(Q query, Object... parameters) {
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        return query;
    }
}
