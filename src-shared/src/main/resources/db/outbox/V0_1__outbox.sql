-- Transactional outbox: events written in the same transaction as the state they describe,
-- published to JetStream after commit in seq order, kept a while after publishing, then pruned.
CREATE TABLE outbox (
    seq          BIGSERIAL PRIMARY KEY,
    event_id     TEXT        NOT NULL UNIQUE,
    subject      TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);

CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
