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

    /**
     * Counts one attempt, in one statement: in the running window, or as the first of a new one when the
     * last has ended. Returns the count with it and what is left of the window. Concurrent attempts each
     * get their own number, so no more than the limit can ever pass, however many arrive at once.
     */
    public Count addAttempt(String scope, String subject, Duration window) {
        return jdbc.one("INSERT INTO login_failures AS f (scope, subject, failures, window_started_at) "
                + "VALUES (?, ?, 1, now()) ON CONFLICT (scope, subject) DO UPDATE SET "
                + "failures = CASE WHEN f.window_started_at <= now() - make_interval(secs => ?) "
                + "THEN 1 ELSE f.failures + 1 END, "
                + "window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(secs => ?) "
                + "THEN now() ELSE f.window_started_at END "
                + "RETURNING failures, extract(epoch FROM window_started_at + make_interval(secs => ?) - now()) AS remaining",
                row -> new Count(row.getInt("failures"), Duration.ofMillis(Math.round(row.getDouble("remaining") * 1000))),
                scope, subject, seconds(window), seconds(window), seconds(window)).orElseThrow();
    }

    /** Takes one counted attempt back: it succeeded, or it was refused and must not lengthen the wait. */
    public void takeBack(String scope, String subject) {
        jdbc.update("UPDATE login_failures SET failures = greatest(failures - 1, 0) WHERE scope = ? AND subject = ?",
                scope, subject);
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
