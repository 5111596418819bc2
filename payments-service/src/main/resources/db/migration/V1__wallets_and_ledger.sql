-- Wallets hold credits. The balance is a cache of the ledger's sum, updated in the same transaction
-- as every ledger insert while the wallet row is locked; the CHECK makes a negative balance
-- impossible whatever the code does.
CREATE TABLE wallets (
    user_id    BIGINT      PRIMARY KEY CHECK (user_id > 0),
    balance    BIGINT      NOT NULL DEFAULT 0 CHECK (balance >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Append-only: one row per balance change. idempotency_key is '<operation>:<caller key>', so a
-- retried debit, credit, grant or top-up can never be booked twice.
CREATE TABLE ledger_entries (
    id              BIGSERIAL   PRIMARY KEY,
    user_id         BIGINT      NOT NULL REFERENCES wallets (user_id),
    change          BIGINT      NOT NULL CHECK (change <> 0),
    balance_after   BIGINT      NOT NULL CHECK (balance_after >= 0),
    kind            TEXT        NOT NULL CHECK (kind IN ('grant', 'debit', 'credit', 'top_up', 'refund')),
    reason          TEXT,
    reference       TEXT,
    idempotency_key TEXT        NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX ledger_entries_user ON ledger_entries (user_id, id DESC);

-- The first answer given to each wallet request (NATS debit/credit), replayed for a repeated key,
-- also after a restart. Failures such as insufficient_funds are final answers too.
CREATE TABLE wallet_requests (
    operation       TEXT        NOT NULL CHECK (operation IN ('debit', 'credit')),
    idempotency_key TEXT        NOT NULL,
    user_id         BIGINT      NOT NULL,
    amount          BIGINT      NOT NULL,
    reference       TEXT,
    ok              BOOLEAN,
    new_balance     BIGINT,
    reason          TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (operation, idempotency_key)
);
