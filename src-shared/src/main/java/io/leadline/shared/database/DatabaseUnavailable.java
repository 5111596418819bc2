package io.leadline.shared.database;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.hibernate.JDBCException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.util.Set;

/**
 * Tells a failure because PostgreSQL cannot be reached (down, restarting, refusing connections, a
 * connection cut) from a failure of the statement itself: the first is worth a 503 and a retry, the
 * second is a bug. A request that failed this way may have been cut before or after its COMMIT; every
 * write the services take from outside is idempotent (claims and grants by Idempotency-Key, webhooks by
 * the provider's event id, wallet requests by their key), so the retry finds out.
 */
public final class DatabaseUnavailable {

    /** SQLSTATE class 08: connection exceptions. */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down, in recovery). */
    private static final Set<String> OPERATOR_INTERVENTION = Set.of("57P01", "57P02", "57P03");
    /** protocol_violation: class 08, but a fault of the statement (a malformed message), not of the server. */
    private static final String PROTOCOL_VIOLATION = "08P01";
    private static final String CONNECTION_NOT_ACTIVE = "Connection is not active now";
    /** Enough for any real wrapping; a deeper (or cyclic) chain is not walked further. */
    private static final int MAX_CAUSE_DEPTH = 32;

    private DatabaseUnavailable() {
    }

    public static boolean isCause(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth++ < MAX_CAUSE_DEPTH; cause = cause.getCause()) {
            if (cause instanceof ClosedConnectionException || cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException) {
                return true;
            }
            if (cause instanceof SocketException socket && socket.getMessage() != null
                    && socket.getMessage().contains("reset")) {
                return true;
            }
            if (cause.getMessage() != null && cause.getMessage().startsWith(CONNECTION_NOT_ACTIVE)) {
                return true; // the reactive client's answer for a statement on a connection that was cut
            }
            if (cause instanceof PgException pg && unavailable(pg.getSqlState())) {
                return true;
            }
            if (cause instanceof JDBCException jdbc && unavailable(jdbc.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause, for a one-line log of an outage that needs no stack trace. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < MAX_CAUSE_DEPTH; depth++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean unavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith(CONNECTION_EXCEPTION_CLASS)
                && !PROTOCOL_VIOLATION.equals(sqlState) || OPERATOR_INTERVENTION.contains(sqlState));
    }
}
