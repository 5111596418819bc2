-- Each user's notification inbox, filled from notification-like events on user channels.
CREATE TABLE notifications (
    id          BIGSERIAL PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    event_id    TEXT        NOT NULL,
    event_type  TEXT        NOT NULL,
    stream_seq  BIGINT      NOT NULL,
    title       TEXT        NOT NULL,
    message     TEXT        NOT NULL,
    priority    TEXT        NOT NULL,
    payload     JSONB       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at     TIMESTAMPTZ,
    UNIQUE (user_id, event_id)
);

CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_by_user ON notifications (user_id, id DESC) WHERE read_at IS NULL;
