-- How far the inbox has read the CHANNELS stream. The writer updates it in the same transaction as the
-- entries it stores, so a restart resumes exactly after it, and a REST read that waits for it to pass the
-- stream's last sequence sees every notification a socket could have shown (read-your-writes). One row;
-- the instance named in `writer` while `lease_until` lies ahead is the only one that writes.
CREATE TABLE inbox_position (
    id           SMALLINT    PRIMARY KEY CHECK (id = 1),
    stream_seq   BIGINT      NOT NULL CHECK (stream_seq >= 0),
    -- when the stream the position counts in was created: another creation time is another stream
    stream_created TIMESTAMPTZ,
    writer       TEXT,
    lease_until  TIMESTAMPTZ
);
INSERT INTO inbox_position (id, stream_seq) VALUES (1, 0);

-- Escrow notifications read before their parties were known (the parties bucket may lag the event).
-- They are stored for the parties once those are known, or dropped after a configured age.
CREATE TABLE inbox_parked (
    stream_seq  BIGINT      PRIMARY KEY,
    escrow_id   TEXT        NOT NULL,
    subject     TEXT        NOT NULL,
    envelope    TEXT        NOT NULL,
    parked_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Marking read by the event id a client saw in a frame: (user_id, event_id) is already unique and indexed.

-- Each user's read state has a version, raised by every change (mark read, mark all read, clear) in the
-- transaction that makes it; the upsert's row lock also serializes one user's changes. A client orders
-- the snapshots it gets (REST answers, notification_read events) by (as_of_seq, read_version).
CREATE TABLE inbox_read_state (
    user_id  TEXT   PRIMARY KEY,
    version  BIGINT NOT NULL
);
