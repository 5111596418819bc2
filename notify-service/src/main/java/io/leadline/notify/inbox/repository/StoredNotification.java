package io.leadline.notify.inbox.repository;

import io.leadline.notify.inbox.Notification;
import io.leadline.shared.database.NativeSql;
import io.leadline.shared.json.JsonCodec;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A row of {@code notifications}, for what Panache does with it (deleting a user's inbox). Rows are
 * written by native statements ({@code ON CONFLICT}) and read by native queries that select
 * {@link #COLUMNS} and hand each row to {@link #read}; {@code payload} comes as text: the reactive client
 * hands JSONB over as parsed JSON, the inbox wants the text it parses itself.
 */
@Entity
@Table(name = "notifications")
public class StoredNotification {

    @Id
    public Long id;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "event_type")
    public String eventType;

    @Column(name = "stream_seq")
    public long streamSeq;

    public String title;

    public String message;

    public String priority;

    public String payload;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "read_at")
    public Instant readAt;

    /** Every column a {@link Notification} is read from, in the order {@link #read} takes them. */
    static final String COLUMNS = """
            id, user_id, event_id, event_type, stream_seq, title, message, priority,
            CAST(payload AS text) AS payload, created_at, read_at""";

    /** A row of {@link #COLUMNS} as the notification it stores. */
    static Notification read(NativeSql.Row row) {
        return new Notification(row.longValue(), row.string(), row.string(), row.string(), row.longValue(),
                row.string(), row.string(), row.string(), JsonCodec.tree(row.string().getBytes(StandardCharsets.UTF_8)),
                row.instant(), row.instant());
    }
}
