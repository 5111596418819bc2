-- Claims and their payment saga. A claim is reserved (pending) before the wallet is debited, then
-- confirmed, or released when the debit is refused. 'voiding' marks a claim whose debit outcome is
-- unknown (time-out, crash) or that could not be confirmed after a debit: the settler refunds
-- whatever was taken and releases it. Only pending and confirmed claims hold a slot.
CREATE TABLE claims (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_id         BIGINT      NOT NULL REFERENCES leads (id),
    account_id      BIGINT      NOT NULL REFERENCES accounts (id),
    idempotency_key TEXT        NOT NULL,
    price           INT         NOT NULL CHECK (price >= 0),
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'confirmed', 'voiding', 'released')),
    balance_after   BIGINT,
    outcome         TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX claims_idempotency_key ON claims (account_id, idempotency_key)
    WHERE status IN ('pending', 'confirmed');
CREATE UNIQUE INDEX claims_one_per_provider ON claims (lead_id, account_id)
    WHERE status IN ('pending', 'confirmed');
CREATE INDEX claims_to_settle ON claims (updated_at) WHERE status IN ('pending', 'voiding');
