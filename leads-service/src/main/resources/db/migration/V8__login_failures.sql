-- Failed sign-ins, counted per account (the lower-cased username, known or not) and per client address
-- in a fixed window that starts with the first failure. In the database, not in memory, so every
-- leads-service instance sees the same counts and a restart or a rolling update forgets none.
CREATE TABLE login_failures (
    scope             TEXT        NOT NULL CHECK (scope IN ('account', 'address')),
    subject           TEXT        NOT NULL,
    failures          INTEGER     NOT NULL,
    window_started_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- the pruner deletes rows whose window has ended
CREATE INDEX login_failures_window_started_at ON login_failures (window_started_at);
