package io.leadline.shared.database;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseUnavailableTest {

    @Test
    void aRefusedOrCutConnectionIsUnavailableHoweverDeepItIsWrapped() {
        assertThat(DatabaseUnavailable.isCause(new CompletionException(new IllegalStateException("HR000090",
                new ConnectException("Connection refused"))))).isTrue();
        assertThat(DatabaseUnavailable.isCause(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(DatabaseUnavailable.isCause(new SocketException("Connection reset"))).isTrue();
        assertThat(DatabaseUnavailable.isCause(new RuntimeException(
                "Connection is not active now, current status: CLOSED"))).isTrue();
    }

    @Test
    void aServerShuttingDownOrStartingUpIsUnavailable() {
        assertThat(DatabaseUnavailable.isCause(pg("57P01", "terminating connection due to administrator command")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCause(pg("57P03", "the database system is not yet accepting connections")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCause(pg("08006", "connection failure"))).isTrue();
    }

    @Test
    void aFailingStatementIsNot() {
        assertThat(DatabaseUnavailable.isCause(pg("23505", "duplicate key value violates unique constraint"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(pg("42P01", "relation \"claims\" does not exist"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(new IllegalStateException("claim 7 is no longer pending"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(new SocketException("Too many open files"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(pg("08P01", "insufficient data left in message"))).isFalse();
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);
        assertThat(DatabaseUnavailable.isCause(first)).isFalse();
        assertThat(DatabaseUnavailable.rootMessage(first)).startsWith("RuntimeException: ");
    }

    private static PgException pg(String sqlState, String message) {
        return new PgException(message, "FATAL", sqlState, null);
    }
}
