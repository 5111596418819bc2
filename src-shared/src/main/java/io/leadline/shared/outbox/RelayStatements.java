package io.leadline.shared.outbox;

/**
 * The statements of {@link OutboxRelay}, written with JDBC's {@code ?} parameters as every other native
 * statement is; {@link #numbered} gives the reactive client's {@code $n} form.
 */
public final class RelayStatements {

    /** The transaction-scoped advisory lock that keeps one relay per database at work. */
    public static final long ADVISORY_LOCK_KEY = 0x4c6561646c696e65L; // "Leadline"

    static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)";
    static final String SELECT_UNPUBLISHED = """
            SELECT seq, event_id, subject, payload, created_at FROM outbox
            WHERE published_at IS NULL ORDER BY seq LIMIT ?""";
    static final String MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE seq = ANY (?)";
    static final String PRUNE = "DELETE FROM outbox WHERE published_at < ?";

    private RelayStatements() {
    }

    /** {@code ?} parameters as {@code $1}, {@code $2}, …; the statements above have no {@code ?} in literals. */
    static String numbered(String sql) {
        StringBuilder numbered = new StringBuilder(sql.length() + 8);
        int parameter = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '?') {
                numbered.append('$').append(++parameter);
            } else {
                numbered.append(c);
            }
        }
        return numbered.toString();
    }
}
