-- Who received a verified lead, with the score they were shown: the record of a distribution.
CREATE TABLE lead_distributions (
    lead_id        BIGINT      NOT NULL REFERENCES leads (id),
    account_id     BIGINT      NOT NULL REFERENCES accounts (id),
    score          INT         NOT NULL CHECK (score BETWEEN 0 AND 100),
    tier           TEXT        NOT NULL,
    reasons        JSONB       NOT NULL,
    distributed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (lead_id, account_id)
);

CREATE INDEX lead_distributions_by_account ON lead_distributions (account_id, distributed_at DESC);
