package io.leadline.shared.database;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.data.Numeric;
import org.hibernate.JDBCException;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * Native statements on the connection of the caller's reactive transaction ({@code Panache.withTransaction}
 * or {@code Outbox.inTransaction}), so they commit with it and with the outbox rows written beside it:
 * every service's repositories use them for what HQL has no word for ({@code ON CONFLICT},
 * {@code RETURNING}, row locks with {@code FOR UPDATE} and {@code SKIP LOCKED}, conditional updates,
 * advisory locks, the database's clock). Parameters are JDBC-style {@code ?}, bound in order.
 *
 * <p>Statements go to the session's {@link ReactiveConnection} as they are, and rows come back as
 * {@link Row}s that a repository reads into its records in the order its statement selects the columns.
 * They do not go through Hibernate's native queries: Hibernate Reactive 3.2 cannot reuse the plan of a
 * native select (its result-set mapping has no equality, so every execution builds a new plan, resolves
 * the entity mapping against the result's metadata and adds one more entry under the same hash to the
 * plan cache), which cost the claim path more than a third of its throughput (docs/benchmarks.md). The
 * sessions that run these statements hold no managed entities that could need a flush first: reads of
 * entities through HQL are for display only.
 */
public final class NativeSql {

    private static final String UNIQUE_VIOLATION = "23505";

    private NativeSql() {
    }

    /**
     * Reads one result row into a value; columns come in the order the statement selects them, and a
     * reader must take every column the statement selects (a column list and its reader that drift apart
     * fail at once instead of reading one column as another, and so does a getter of the wrong type).
     */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(Row row);
    }

    /** Every row {@code sql} returns, each read by {@code reader}. */
    public static <T> Uni<List<T>> rows(RowReader<T> reader, String sql, Object... parameters) {
        return connection().flatMap(connection -> Uni.createFrom()
                .completionStage(() -> connection.select(positional(sql), values(parameters)))
                .map(result -> {
                    List<T> read = new ArrayList<>(result.size());
                    while (result.hasNext()) {
                        Row row = new Row(result.next());
                        read.add(reader.read(row));
                        row.requireAllRead(sql);
                    }
                    return read;
                }));
    }

    /** The one row {@code sql} returns, if any; more than one is a mistake in the statement. */
    public static <T> Uni<Optional<T>> row(RowReader<T> reader, String sql, Object... parameters) {
        return rows(reader, sql, parameters).map(rows -> single(rows, sql));
    }

    /** The only column of every row, as the reactive client gives it ({@code Long} for a count or a bigint). */
    @SuppressWarnings("unchecked")
    public static <T> Uni<List<T>> scalars(String sql, Object... parameters) {
        return rows(row -> (T) row.value(), sql, parameters);
    }

    /** The only column of the one row {@code sql} returns, if any. */
    public static <T> Uni<Optional<T>> scalar(String sql, Object... parameters) {
        return NativeSql.<T>scalars(sql, parameters).map(rows -> single(rows, sql));
    }

    /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
    public static Uni<Integer> execute(String sql, Object... parameters) {
        return connection().flatMap(connection -> Uni.createFrom()
                .completionStage(() -> connection.update(positional(sql), values(parameters))));
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

    /**
     * One result row, read left to right: each call takes the next column. Values come as PostgreSQL's
     * reactive client decodes them and are converted to the types records use ({@code timestamptz} to
     * {@link Instant}, {@code numeric} to {@link BigDecimal}).
     */
    public static final class Row {

        private final Object[] columns;
        private int next;

        Row(Object[] columns) {
            this.columns = columns;
        }

        /** The next column as the client decoded it; null for SQL NULL. */
        public Object value() {
            if (next >= columns.length) {
                throw new IllegalStateException("the statement selected only " + columns.length + " columns");
            }
            return columns[next++];
        }

        public long longValue() {
            return integral(required()).longValue();
        }

        public Long nullableLong() {
            Object value = value();
            return value == null ? null : integral(value).longValue();
        }

        public int intValue() {
            return Math.toIntExact(longValue());
        }

        public Integer nullableInt() {
            Long value = nullableLong();
            return value == null ? null : Math.toIntExact(value);
        }

        public short shortValue() {
            long value = longValue();
            if (value != (short) value) {
                throw mismatch("a smallint", value);
            }
            return (short) value;
        }

        public boolean bool() {
            return nullableBoolOf(required());
        }

        public Boolean nullableBool() {
            Object value = value();
            return value == null ? null : nullableBoolOf(value);
        }

        public String string() {
            Object value = value();
            if (value == null || value instanceof String) {
                return (String) value;
            }
            throw mismatch("text", value);
        }

        public Instant instant() {
            Object value = value();
            if (value == null) {
                return null;
            }
            if (value instanceof OffsetDateTime offset) {
                return offset.toInstant();
            }
            if (value instanceof LocalDateTime local) {
                return local.toInstant(ZoneOffset.UTC);
            }
            throw mismatch("a timestamp", value);
        }

        public BigDecimal decimal() {
            Object value = value();
            if (value == null) {
                return null;
            }
            if (value instanceof Numeric numeric) {
                return numeric.bigDecimalValue();
            }
            if (value instanceof BigDecimal decimal) {
                return decimal;
            }
            if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                return BigDecimal.valueOf(((Number) value).longValue());
            }
            throw mismatch("a numeric", value);
        }

        public UUID uuid() {
            Object value = value();
            if (value == null || value instanceof UUID) {
                return (UUID) value;
            }
            throw mismatch("a uuid", value);
        }

        void requireAllRead(String sql) {
            if (next != columns.length) {
                throw new IllegalStateException("read " + next + " of the " + columns.length + " columns of: "
                        + sql.strip().lines().findFirst().orElse(sql));
            }
        }

        private Number integral(Object value) {
            if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                return (Number) value;
            }
            throw mismatch("an integer", value);
        }

        private Boolean nullableBoolOf(Object value) {
            if (value instanceof Boolean bool) {
                return bool;
            }
            throw mismatch("a boolean", value);
        }

        /** The column just read is not of the type the reader asked for: the reader and the list drifted apart. */
        private IllegalStateException mismatch(String wanted, Object value) {
            return new IllegalStateException("column " + next + " is " + value.getClass().getSimpleName()
                    + ", not " + wanted);
        }

        private Object required() {
            Object value = value();
            if (value == null) {
                throw new IllegalStateException("column " + next + " is NULL");
            }
            return value;
        }
    }

    private static Uni<ReactiveConnection> connection() {
        return Panache.getSession().map(NativeSql::connectionOf);
    }

    private static ReactiveConnection connectionOf(Mutiny.Session session) {
        if (session instanceof MutinySessionImpl mutiny) {
            return mutiny.getReactiveConnection();
        }
        throw new IllegalStateException("not a Hibernate Reactive session: " + session.getClass().getName());
    }

    /**
     * PostgreSQL's {@code $1, $2, …} for the {@code ?} placeholders outside quoted literals and identifiers
     * and {@code --} comments. It does not understand block comments, dollar-quoted or {@code E'…'} strings
     * or the jsonb {@code ?} operators; no statement of ours uses them.
     */
    static String positional(String sql) {
        if (sql.indexOf('?') < 0) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int parameter = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? sql.length() : end;
                out.append(sql, i, end);
                i = end - 1;
                continue;
            } else if (c == '?') {
                out.append('$').append(++parameter);
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The values as the reactive client binds them: instants as UTC timestamps with offset. */
    private static Object[] values(Object[] parameters) {
        Object[] values = parameters.clone();
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Instant instant) {
                values[i] = instant.atOffset(ZoneOffset.UTC);
            }
        }
        return values;
    }

    private static <T> Optional<T> single(List<T> rows, String sql) {
        if (rows.size() > 1) {
            throw new IllegalStateException("more than one row for: " + sql.strip().lines().findFirst().orElse(sql));
        }
        return rows.stream().findFirst();
    }
}
