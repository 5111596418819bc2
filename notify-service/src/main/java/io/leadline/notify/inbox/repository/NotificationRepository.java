package io.leadline.notify.inbox.repository;

import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.Notification;
import io.leadline.notify.inbox.NotificationId;
import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The inbox tables ({@code notifications}, {@code inbox_position}, {@code inbox_parked},
 * {@code inbox_read_state}) on Hibernate Reactive. Every method runs on the session of the caller's
 * reactive transaction ({@code Panache.withTransaction}), so its statements commit with it, and with
 * any outbox rows written beside it. The statements are native where the inbox needs what HQL has no
 * word for: {@code ON CONFLICT}, row locks ({@code FOR UPDATE}, {@code FOR SHARE}, {@code SKIP LOCKED}),
 * the database's clock for leases, and a transaction's isolation.
 */
@ApplicationScoped
public class NotificationRepository implements PanacheRepositoryBase<StoredNotification, Long> {

    private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";
    private static final String INSERT = """
            INSERT INTO notifications (user_id, event_id, event_type, stream_seq, title, message, priority,
                                       payload, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, CAST(CAST(? AS text) AS jsonb), ?)
            ON CONFLICT (user_id, event_id) DO NOTHING""";

    /** One page of an inbox, read in one snapshot with the user's unread count and the inbox position. */
    public record Page(List<Notification> items, long total, Unread unread) {
    }

    /**
     * A user's unread count with the stream position and the read-state version it reflects, read in one
     * snapshot: of two snapshots, the later has neither a lower position nor a lower version.
     */
    public record Unread(long count, long asOfSeq, long readVersion) {
    }

    /** The inbox position as a writer finds it under lock: where it stands, and whether the writer may go on. */
    public record Lease(long streamSeq, Instant streamCreated, boolean granted) {
    }

    /** An escrow notification waiting for its parties. */
    public record Parked(long streamSeq, String escrowId, String subject, String envelope, Instant parkedAt) {
    }

    /** Where the inbox stands in the stream: the position's sequence and the stream it counts in. */
    private record Position(long streamSeq, Instant streamCreated) {
    }

    /** What the inbox reads of its position, in the order {@link #readPosition} takes it. */
    private static final String POSITION_COLUMNS = "stream_seq, stream_created";

    private static Position readPosition(NativeSql.Row row) {
        return new Position(row.longValue(), row.instant());
    }

    private static final String POSITION = "SELECT " + POSITION_COLUMNS + " FROM inbox_position WHERE id = 1";

    /** Every column of {@code inbox_parked}, in the order {@link #readParked} takes them. */
    private static final String PARKED_COLUMNS = "stream_seq, escrow_id, subject, envelope, parked_at";

    private static Parked readParked(NativeSql.Row row) {
        return new Parked(row.longValue(), row.string(), row.string(), row.string(), row.instant());
    }

    /** Stores what is new and skips what is already there; returns how many rows were added. */
    public Uni<Integer> insertAll(List<NewNotification> entries) {
        Uni<Integer> added = Uni.createFrom().item(0);
        for (NewNotification entry : entries) {
            added = added.flatMap(sum -> execute(INSERT, entry.userId(), entry.eventId(), entry.eventType(),
                    entry.streamSeq(), entry.title(), entry.message(), entry.priority(), entry.dataJson(),
                    entry.createdAt()).map(count -> sum + count));
        }
        return added;
    }

    /** The caller's transaction must read one snapshot throughout ({@link #readOneSnapshot()}). */
    public Uni<Page> page(String userId, boolean unreadOnly, int page, int size) {
        String where = " FROM notifications WHERE user_id = ?" + (unreadOnly ? " AND read_at IS NULL" : "");
        return this.<Number>scalar("SELECT count(*)" + where, userId).flatMap(total -> unread(userId)
                .flatMap(unread -> notifications("SELECT " + StoredNotification.COLUMNS + where + NEWEST_FIRST
                        + " LIMIT ? OFFSET ?", userId, size, (long) page * size)
                        .map(items -> new Page(items, total.longValue(), unread))));
    }

    /**
     * Makes the caller's transaction read one snapshot in all its statements (a page, its total and the
     * position agree). Must be the transaction's first statement.
     */
    public Uni<Void> readOneSnapshot() {
        return execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").replaceWithVoid();
    }

    /** The unread count, the position and the read-state version, in one statement and so in one snapshot. */
    public Uni<Unread> unread(String userId) {
        return NativeSql.row(row -> new Unread(row.longValue(), row.longValue(), row.longValue()), """
                SELECT (SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL),
                       (SELECT stream_seq FROM inbox_position WHERE id = 1),
                       COALESCE((SELECT version FROM inbox_read_state WHERE user_id = ?), 0)""", userId, userId)
                .map(Optional::orElseThrow);
    }

    /**
     * Raises the user's read-state version. The row stays locked until the transaction ends, which
     * serializes one user's changes: the counts they announce follow one another.
     */
    public Uni<Void> raiseReadVersion(String userId) {
        return execute("""
                INSERT INTO inbox_read_state (user_id, version) VALUES (?, 1)
                ON CONFLICT (user_id) DO UPDATE SET version = inbox_read_state.version + 1""", userId)
                .replaceWithVoid();
    }

    /** The user's own notification by its id or its event's id; empty for anyone else's. */
    public Uni<Optional<Notification>> findOwn(String userId, NotificationId id) {
        return findOwn(userId, id, "");
    }

    /** {@link #findOwn}, locked until the transaction ends. */
    public Uni<Optional<Notification>> findOwnForUpdate(String userId, NotificationId id) {
        return findOwn(userId, id, " FOR UPDATE");
    }

    private Uni<Optional<Notification>> findOwn(String userId, NotificationId id, String lock) {
        String sql = "SELECT " + StoredNotification.COLUMNS + " FROM notifications WHERE user_id = ? AND "
                + (id.eventId() != null ? "event_id = ?" : "id = ?") + lock;
        return notifications(sql, userId, id.eventId() != null ? id.eventId() : id.inboxId())
                .map(found -> found.stream().findFirst());
    }

    public Uni<Void> markRead(long id) {
        return execute("UPDATE notifications SET read_at = now() WHERE id = ? AND read_at IS NULL", id)
                .replaceWithVoid();
    }

    /** Marks every unread notification of the user read; returns how many changed. */
    public Uni<Integer> markAllRead(String userId) {
        return execute("UPDATE notifications SET read_at = now() WHERE user_id = ? AND read_at IS NULL", userId);
    }

    public Uni<Integer> deleteAll(String userId) {
        return delete("userId", userId).map(Long::intValue);
    }

    // --- the writer's position and lease ------------------------------------------------------------------

    /** How far the inbox has read the stream. */
    public Uni<Long> position() {
        return position("").map(Position::streamSeq);
    }

    /**
     * Locks the position until the transaction ends and tells whether {@code writer} may write: it holds
     * the lease, or nobody's lease is current (by the database's clock, the same for every instance).
     */
    public Uni<Lease> lockPosition(String writer) {
        return position(" FOR UPDATE").flatMap(row -> this.<Boolean>scalar("""
                SELECT writer = ? OR lease_until IS NULL OR lease_until < clock_timestamp()
                FROM inbox_position WHERE id = 1""", writer)
                .map(granted -> new Lease(row.streamSeq(), row.streamCreated(), granted)));
    }

    /** Moves the position (call under {@link #lockPosition}) and extends the writer's lease. */
    public Uni<Void> advance(String writer, long streamSeq, Duration lease) {
        return execute("""
                UPDATE inbox_position SET stream_seq = ?, writer = ?,
                       lease_until = clock_timestamp() + ? * interval '1 millisecond'
                WHERE id = 1""", streamSeq, writer, lease.toMillis()).replaceWithVoid();
    }

    /**
     * Keeps the position where it is until the transaction ends (the writer waits): a change of every
     * notification and the count after it then refer to the same position.
     */
    public Uni<Void> holdPosition() {
        return position(" FOR SHARE").replaceWithVoid();
    }

    /** Starts the position over in a stream created at {@code created} (call under {@link #lockPosition}). */
    public Uni<Void> restartIn(Instant created, long streamSeq) {
        return execute("UPDATE inbox_position SET stream_seq = ?, stream_created = ? WHERE id = 1", streamSeq, created)
                .replaceWithVoid();
    }

    /** Gives up the writer's lease, so that another instance takes over at once. */
    public Uni<Void> release(String writer) {
        return execute("UPDATE inbox_position SET lease_until = NULL WHERE writer = ?", writer).replaceWithVoid();
    }

    // --- escrow notifications waiting for their parties -----------------------------------------------------

    public Uni<Void> park(long streamSeq, String escrowId, String subject, String envelope) {
        return execute("""
                INSERT INTO inbox_parked (stream_seq, escrow_id, subject, envelope) VALUES (?, ?, ?, ?)
                ON CONFLICT (stream_seq) DO NOTHING""", streamSeq, escrowId, subject, envelope).replaceWithVoid();
    }

    /** The oldest parked notifications that no other instance is resolving, locked until the transaction ends. */
    public Uni<List<Parked>> lockParked(int limit) {
        return NativeSql.rows(NotificationRepository::readParked, "SELECT " + PARKED_COLUMNS
                + " FROM inbox_parked ORDER BY stream_seq LIMIT ? FOR UPDATE SKIP LOCKED", limit);
    }

    public Uni<Void> unpark(long streamSeq) {
        return execute("DELETE FROM inbox_parked WHERE stream_seq = ?", streamSeq).replaceWithVoid();
    }

    private Uni<Position> position(String lock) {
        return NativeSql.row(NotificationRepository::readPosition, POSITION + lock).map(Optional::orElseThrow);
    }

    private Uni<List<Notification>> notifications(String sql, Object... parameters) {
        return NativeSql.rows(StoredNotification::read, sql, parameters);
    }

    private <T> Uni<T> scalar(String sql, Object... parameters) {
        return NativeSql.<T>scalar(sql, parameters).map(Optional::orElseThrow);
    }

    private Uni<Integer> execute(String sql, Object... parameters) {
        return NativeSql.execute(sql, parameters);
    }
}
