package io.leadline.leads.account.repository;

import io.leadline.shared.database.NativeSql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;

/**
 * Failure counts per (scope, subject), each in a fixed window. Every statement uses the database's
 * clock, so instances whose clocks differ still agree on when a window ends. Runs in the caller's
 * reactive session.
 */
@ApplicationScoped
public class LoginFailureRepository {

    /** The failures counted in a window still running, and how long it still runs. */
    public record Count(int failures, Duration remaining) {
    }

    /**
     * Counts one attempt, in one statement: in the running window, or as the first of a new one when the
     * last has ended. Returns the count with it and what is left of the window. Concurrent attempts each
     * get their own number, so no more than the limit can ever pass, however many arrive at once.
     */
    public Uni<Count> addAttempt(String scope, String subject, Duration window) {
        return NativeSql.row(LoginFailureRepository::readCount,
                "INSERT INTO login_failures AS f (scope, subject, failures, window_started_at) "
                + "VALUES (?, ?, 1, now()) ON CONFLICT (scope, subject) DO UPDATE SET "
                + "failures = CASE WHEN f.window_started_at <= now() - make_interval(secs => ?) "
                + "THEN 1 ELSE f.failures + 1 END, "
                + "window_started_at = CASE WHEN f.window_started_at <= now() - make_interval(secs => ?) "
                + "THEN now() ELSE f.window_started_at END "
                + "RETURNING failures, CAST(extract(epoch FROM window_started_at + make_interval(secs => ?) - now()) "
                + "AS double precision) AS remaining",
                scope, subject, seconds(window), seconds(window), seconds(window))
                .map(Optional::orElseThrow);
    }

    /** Takes one counted attempt back: it succeeded, or it was refused and must not lengthen the wait. */
    public Uni<Void> takeBack(String scope, String subject) {
        return NativeSql.execute("UPDATE login_failures SET failures = greatest(failures - 1, 0) "
                + "WHERE scope = ? AND subject = ?", scope, subject).replaceWithVoid();
    }

    public Uni<Void> clear(String scope, String subject) {
        return NativeSql.execute("DELETE FROM login_failures WHERE scope = ? AND subject = ?", scope, subject)
                .replaceWithVoid();
    }

    /** Deletes the rows of this scope whose window has ended; returns how many. */
    public Uni<Integer> deleteEnded(String scope, Duration window) {
        return NativeSql.execute("DELETE FROM login_failures WHERE scope = ? "
                + "AND window_started_at <= now() - make_interval(secs => ?)", scope, seconds(window));
    }

    /** The count and the rest of its window, as {@link #addAttempt} returns them. */
    private static Count readCount(NativeSql.Row row) {
        int failures = row.intValue();
        double remainingSeconds = ((Number) row.value()).doubleValue();
        return new Count(failures, Duration.ofMillis(Math.round(remainingSeconds * 1000)));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
