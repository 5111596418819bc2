-- Each user's notification inbox, filled from notification-like events on user and escrow channels
-- by the durable consumers of notify-service (io.leadline.notify.inbox). An event is stored at most
-- once per recipient: (user_id, event_id) is unique, and event_id is the event envelope's id.
CREATE TABLE notifications (
    id          BIGSERIAL PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    event_id    TEXT        NOT NULL,
    event_type  TEXT        NOT NULL,
    stream_seq  BIGINT      NOT NULL,
    title       TEXT        NOT NULL,
    message     TEXT        NOT NULL,
    priority    TEXT        NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    payload     JSONB       NOT NULL,
    -- when the event happened (the envelope's ts): inboxes list newest first by it
    created_at  TIMESTAMPTZ NOT NULL,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at     TIMESTAMPTZ,
    UNIQUE (user_id, event_id)
);

CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_by_user ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL;
