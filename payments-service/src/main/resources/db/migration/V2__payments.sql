-- Payments taken through a provider: wallet top-ups and escrow deposits. Amounts are in the
-- currency's major unit; a top-up also records the credits it adds to the wallet when it succeeds.
CREATE TABLE payments (
    id                 BIGSERIAL     PRIMARY KEY,
    kind               TEXT          NOT NULL CHECK (kind IN ('top_up', 'escrow')),
    customer_id        BIGINT        NOT NULL CHECK (customer_id > 0),
    amount             NUMERIC(14,2) NOT NULL CHECK (amount > 0),
    currency           CHAR(3)       NOT NULL,
    credits            BIGINT        CHECK (credits > 0),
    provider           TEXT          NOT NULL CHECK (provider IN ('stripe', 'razorpay')),
    provider_reference TEXT          NOT NULL UNIQUE,
    status             TEXT          NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    refunded_amount    NUMERIC(14,2) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    failure_reason     TEXT,
    escrow_id          BIGINT,
    created_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CHECK ((kind = 'top_up') = (credits IS NOT NULL))
);

CREATE INDEX payments_created ON payments (created_at DESC);
CREATE INDEX payments_customer ON payments (customer_id, created_at DESC);

-- Each refund of a payment, whoever started it (an admin here, or the provider's webhook).
-- A refunded top-up takes its credits back from the wallet as far as the balance allows; what the
-- customer had already spent is recorded as the shortfall.
CREATE TABLE refunds (
    id                  BIGSERIAL     PRIMARY KEY,
    payment_id          BIGINT        NOT NULL REFERENCES payments (id),
    amount              NUMERIC(14,2) NOT NULL CHECK (amount > 0),
    source              TEXT          NOT NULL CHECK (source IN ('admin', 'webhook', 'escrow')),
    reason              TEXT,
    credits_clawed_back BIGINT        NOT NULL DEFAULT 0 CHECK (credits_clawed_back >= 0),
    credits_shortfall   BIGINT        NOT NULL DEFAULT 0 CHECK (credits_shortfall >= 0),
    idempotency_key     TEXT          NOT NULL UNIQUE,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT now()
);

CREATE INDEX refunds_payment ON refunds (payment_id);

-- Every provider webhook with its outcome. A verified event is processed once per provider event id
-- (the partial unique index); a request with a bad signature is recorded too, but never takes the
-- event id, or a forger could block the genuine event.
CREATE TABLE webhook_events (
    id              BIGSERIAL   PRIMARY KEY,
    provider        TEXT        NOT NULL CHECK (provider IN ('stripe', 'razorpay')),
    event_id        TEXT,
    event_type      TEXT,
    signature_valid BOOLEAN     NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('received', 'processed', 'ignored', 'failed')),
    error           TEXT,
    payment_id      BIGINT REFERENCES payments (id),
    payload         TEXT        NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at    TIMESTAMPTZ
);

CREATE UNIQUE INDEX webhook_events_once ON webhook_events (provider, event_id) WHERE signature_valid;
CREATE INDEX webhook_events_received ON webhook_events (received_at DESC);
