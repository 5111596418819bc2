package io.leadline.notify.inbox.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.Notification;
import io.leadline.notify.inbox.NotificationId;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inbox tables ({@code notifications}, {@code inbox_position}, {@code inbox_parked}), in plain JDBC.
 * Callers hold a JTA transaction, so every statement runs on the transaction's connection and commits
 * with it (and with any outbox rows written beside it).
 */
@ApplicationScoped
public class NotificationRepository {

    private static final String COLUMNS = """
            id, user_id, event_id, event_type, stream_seq, title, message, priority, payload, created_at, read_at""";
    private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";

    @Inject
    AgroalDataSource dataSource;

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

    /** Stores what is new and skips what is already there; returns how many rows were added. */
    public int insertAll(List<NewNotification> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        String sql = """
                INSERT INTO notifications (user_id, event_id, event_type, stream_seq, title, message, priority,
                                           payload, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
                ON CONFLICT (user_id, event_id) DO NOTHING""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            for (NewNotification entry : entries) {
                insert.setString(1, entry.userId());
                insert.setString(2, entry.eventId());
                insert.setString(3, entry.eventType());
                insert.setLong(4, entry.streamSeq());
                insert.setString(5, entry.title());
                insert.setString(6, entry.message());
                insert.setString(7, entry.priority());
                insert.setString(8, entry.dataJson());
                insert.setTimestamp(9, Timestamp.from(entry.createdAt()));
                insert.addBatch();
            }
            int added = 0;
            for (int count : insert.executeBatch()) {
                added += Math.max(count, 0);
            }
            return added;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The caller's transaction must read one snapshot throughout ({@link #readOneSnapshot()}). */
    public Page page(String userId, boolean unreadOnly, int page, int size) {
        String where = " FROM notifications WHERE user_id = ?" + (unreadOnly ? " AND read_at IS NULL" : "");
        long total = count("SELECT count(*)" + where, userId);
        Unread unread = unread(userId);
        List<Notification> items = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + where + NEWEST_FIRST + " LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, userId);
            select.setInt(2, size);
            select.setLong(3, (long) page * size);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    items.add(map(rs));
                }
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
        return new Page(items, total, unread);
    }

    /**
     * Makes the caller's transaction read one snapshot in all its statements (a page, its total and the
     * position agree). Must be the transaction's first statement.
     */
    public void readOneSnapshot() {
        execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }

    /** The unread count, the position and the read-state version, in one statement and so in one snapshot. */
    public Unread unread(String userId) {
        String sql = """
                SELECT (SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL),
                       (SELECT stream_seq FROM inbox_position WHERE id = 1),
                       COALESCE((SELECT version FROM inbox_read_state WHERE user_id = ?), 0)""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, userId);
            select.setString(2, userId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return new Unread(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * Raises the user's read-state version. The row stays locked until the transaction ends, which
     * serializes one user's changes: the counts they announce follow one another.
     */
    public void raiseReadVersion(String userId) {
        update("""
                INSERT INTO inbox_read_state (user_id, version) VALUES (?, 1)
                ON CONFLICT (user_id) DO UPDATE SET version = inbox_read_state.version + 1""", userId);
    }

    /** The user's own notification by its id or its event's id; empty for anyone else's. */
    public Optional<Notification> findOwn(String userId, NotificationId id) {
        return findOwn(userId, id, "");
    }

    /** {@link #findOwn}, locked until the transaction ends. */
    public Optional<Notification> findOwnForUpdate(String userId, NotificationId id) {
        return findOwn(userId, id, " FOR UPDATE");
    }

    private Optional<Notification> findOwn(String userId, NotificationId id, String lock) {
        String sql = "SELECT " + COLUMNS + " FROM notifications WHERE user_id = ? AND "
                + (id.eventId() != null ? "event_id = ?" : "id = ?") + lock;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, userId);
            if (id.eventId() != null) {
                select.setString(2, id.eventId());
            } else {
                select.setLong(2, id.inboxId());
            }
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    public void markRead(long id) {
        update("UPDATE notifications SET read_at = now() WHERE id = ? AND read_at IS NULL", id);
    }

    /** Marks every unread notification of the user read; returns how many changed. */
    public int markAllRead(String userId) {
        return update("UPDATE notifications SET read_at = now() WHERE user_id = ? AND read_at IS NULL", userId);
    }

    public int deleteAll(String userId) {
        return update("DELETE FROM notifications WHERE user_id = ?", userId);
    }

    // --- the writer's position and lease ------------------------------------------------------------------

    /** How far the inbox has read the stream. */
    public long position() {
        String sql = "SELECT stream_seq FROM inbox_position WHERE id = 1";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * Locks the position until the transaction ends and tells whether {@code writer} may write: it holds
     * the lease, or nobody's lease is current.
     */
    public Lease lockPosition(String writer) {
        String sql = """
                SELECT stream_seq, stream_created,
                       writer = ? OR lease_until IS NULL OR lease_until < clock_timestamp()
                FROM inbox_position WHERE id = 1 FOR UPDATE""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, writer);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                Timestamp created = rs.getTimestamp(2);
                return new Lease(rs.getLong(1), created == null ? null : created.toInstant(), rs.getBoolean(3));
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Moves the position (call under {@link #lockPosition}) and extends the writer's lease. */
    public void advance(String writer, long streamSeq, Duration lease) {
        String sql = """
                UPDATE inbox_position SET stream_seq = ?, writer = ?,
                       lease_until = clock_timestamp() + ? * interval '1 millisecond'
                WHERE id = 1""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, streamSeq);
            update.setString(2, writer);
            update.setLong(3, lease.toMillis());
            update.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * Keeps the position where it is until the transaction ends (the writer waits): a change of every
     * notification and the count after it then refer to the same position.
     */
    public void holdPosition() {
        execute("SELECT stream_seq FROM inbox_position WHERE id = 1 FOR SHARE");
    }

    /** Starts the position over in a stream created at {@code created} (call under {@link #lockPosition}). */
    public void restartIn(Instant created, long streamSeq) {
        String sql = "UPDATE inbox_position SET stream_seq = ?, stream_created = ? WHERE id = 1";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, streamSeq);
            update.setTimestamp(2, Timestamp.from(created));
            update.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Gives up the writer's lease, so that another instance takes over at once. */
    public void release(String writer) {
        update("UPDATE inbox_position SET lease_until = NULL WHERE writer = ?", writer);
    }

    // --- escrow notifications waiting for their parties -----------------------------------------------------

    public void park(long streamSeq, String escrowId, String subject, String envelope) {
        String sql = """
                INSERT INTO inbox_parked (stream_seq, escrow_id, subject, envelope) VALUES (?, ?, ?, ?)
                ON CONFLICT (stream_seq) DO NOTHING""";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setLong(1, streamSeq);
            insert.setString(2, escrowId);
            insert.setString(3, subject);
            insert.setString(4, envelope);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The oldest parked notifications that no other instance is resolving, locked until the transaction ends. */
    public List<Parked> lockParked(int limit) {
        String sql = """
                SELECT stream_seq, escrow_id, subject, envelope, parked_at FROM inbox_parked
                ORDER BY stream_seq LIMIT ? FOR UPDATE SKIP LOCKED""";
        List<Parked> parked = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setInt(1, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    parked.add(new Parked(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
        return parked;
    }

    public void unpark(long streamSeq) {
        update("DELETE FROM inbox_parked WHERE stream_seq = ?", streamSeq);
    }

    private void execute(String sql) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private long count(String sql, String userId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, userId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private int update(String sql, Object parameter) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setObject(1, parameter);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private static Notification map(ResultSet rs) throws SQLException {
        Timestamp readAt = rs.getTimestamp("read_at");
        return new Notification(rs.getLong("id"), rs.getString("user_id"), rs.getString("event_id"),
                rs.getString("event_type"), rs.getLong("stream_seq"), rs.getString("title"), rs.getString("message"),
                rs.getString("priority"), JsonCodec.tree(rs.getString("payload").getBytes(StandardCharsets.UTF_8)),
                rs.getTimestamp("created_at").toInstant(), readAt == null ? null : readAt.toInstant());
    }

    private static IllegalStateException failure(String sql, SQLException e) {
        return new IllegalStateException("statement failed: " + sql.strip().lines().findFirst().orElse(sql), e);
    }
}
