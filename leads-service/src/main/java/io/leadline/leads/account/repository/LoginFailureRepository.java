package io.leadline.leads.account.repository;

import io.leadline.leads.jdbc.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;

/**
 * Failure counts per (scope, subject), each in a fixed window. Every statement uses the database's
 * clock, so instances whose clocks differ still agree on when a window ends.
 */
@ApplicationScoped
public class LoginFailureRepository {

    /** The failures counted in a window still running, and how long it still runs. */
    public record Count(int failures, Duration remaining) {
    }

    @Inject
    Jdbc jdbc;

    /** The count of a window that has not ended yet; empty when there is none. */
    public Optional<Count> current(String scope, String subject, Duration window) {
        return jdbc.one("SELECT failures, extract(epoch FROM window_started_at + make_interval(secs => ?) - now()) "
                + "AS remaining FROM login_failures WHERE scope = ? AND subject = ? "
                + "AND window_started_at > now() - make_interval(secs => ?)",
                row -> new Count(row.getInt("failures"), Duration.ofMillis(Math.round(row.getDouble("remaining") * 1000))),
                seconds(window), scope, subject, seconds(window));
    }

    /** Counts one failure: in the running window, or as the first of a new one when the last has ended. */
    public void addFailure(String scope, String subject, Duration window) {
        jdbc.update("INSERT INTO login_failures AS f (scope, subject, failures, window_started_at) "
                + "VALUES (?, ?, 1, now()) ON CONFLICT (scope, subject) DO UPDATE SET "
                + "failures = CASE WHEN f.window_started_at <= now() - make_interval(secs => ?) "
                + "THEN 1 ELSE f.failures + 1 END, "
                + "window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(secs => ?) "
                + "THEN now() ELSE f.window_started_at END",
                scope, subject, seconds(window), seconds(window));
    }

    public void clear(String scope, String subject) {
        jdbc.update("DELETE FROM login_failures WHERE scope = ? AND subject = ?", scope, subject);
    }

    /** Deletes the rows of this scope whose window has ended; returns how many. */
    public int deleteEnded(String scope, Duration window) {
        return jdbc.update("DELETE FROM login_failures WHERE scope = ? "
                + "AND window_started_at <= now() - make_interval(secs => ?)", scope, seconds(window));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
