package io.leadline.notify.inbox.repository;

import io.agroal.api.AgroalDataSource;
import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.inbox.Notification;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code notifications} table, in plain JDBC. Callers hold a JTA transaction, so every statement
 * runs on the transaction's connection and commits with it (and with any outbox rows written beside it).
 */
@ApplicationScoped
public class NotificationRepository {

    private static final String COLUMNS = """
            id, user_id, event_id, event_type, stream_seq, title, message, priority, payload, created_at, read_at""";
    private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";

    @Inject
    AgroalDataSource dataSource;

    public record Page(List<Notification> items, long total) {
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

    public Page page(String userId, boolean unreadOnly, int page, int size) {
        String where = " FROM notifications WHERE user_id = ?" + (unreadOnly ? " AND read_at IS NULL" : "");
        long total = count("SELECT count(*)" + where, userId);
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
        return new Page(items, total);
    }

    public long unreadCount(String userId) {
        return count("SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userId);
    }

    /** The user's own notification, locked until the transaction ends; empty for anyone else's id. */
    public Optional<Notification> findOwnForUpdate(String userId, long id) {
        String sql = "SELECT " + COLUMNS + " FROM notifications WHERE id = ? AND user_id = ? FOR UPDATE";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, id);
            select.setString(2, userId);
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
