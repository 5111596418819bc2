-- Single-use WebSocket tickets (POST /api/ws-tickets), so that a long-lived JWT never travels in a URL.
-- Only the SHA-256 of a ticket is kept. The upgrade deletes the row it uses, so a ticket opens one
-- socket, on whichever notify instance it reaches: they all share this database. Expiry is judged by
-- the database's clock, the same for every instance.
CREATE TABLE ws_tickets (
    ticket_hash       BYTEA       PRIMARY KEY,
    user_id           TEXT        NOT NULL,
    -- the token's groups, comma-separated
    roles             TEXT        NOT NULL,
    -- the token's exp (epoch seconds): the socket is closed with 4001 then, unless refreshed in band
    token_expires_at  BIGINT      NOT NULL,
    expires_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX ws_tickets_by_expiry ON ws_tickets (expires_at);
