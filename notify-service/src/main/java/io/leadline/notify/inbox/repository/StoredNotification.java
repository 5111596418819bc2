package io.leadline.notify.inbox.repository;

import io.leadline.notify.inbox.Notification;
import io.leadline.shared.json.JsonCodec;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A row of {@code notifications}. Rows are written by native statements ({@code ON CONFLICT}) and read
 * by native queries that select {@code payload} as text ({@link NotificationRepository#COLUMNS}): the
 * reactive client hands JSONB over as parsed JSON, the inbox wants the text it parses itself.
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

    Notification toNotification() {
        return new Notification(id, userId, eventId, eventType, streamSeq, title, message, priority,
                JsonCodec.tree(payload.getBytes(StandardCharsets.UTF_8)), createdAt, readAt);
    }
}
