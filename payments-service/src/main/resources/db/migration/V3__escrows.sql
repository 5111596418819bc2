-- Escrows: the buyer's payment is held until it is released to the seller or refunded.
-- INITIATED -> HELD (payment captured) -> RELEASED | REFUNDED; HELD -> DISPUTED -> RELEASED | REFUNDED.
CREATE TABLE escrows (
    id                   BIGSERIAL     PRIMARY KEY,
    buyer_id             BIGINT        NOT NULL CHECK (buyer_id > 0),
    seller_id            BIGINT        NOT NULL CHECK (seller_id > 0),
    amount               NUMERIC(14,2) NOT NULL CHECK (amount > 0),
    currency             CHAR(3)       NOT NULL,
    description          TEXT          NOT NULL,
    status               TEXT          NOT NULL CHECK (status IN ('INITIATED', 'HELD', 'RELEASED', 'REFUNDED', 'DISPUTED')),
    payment_id           BIGINT        REFERENCES payments (id),
    buyer_confirmed      BOOLEAN       NOT NULL DEFAULT false,
    seller_confirmed     BOOLEAN       NOT NULL DEFAULT false,
    dispute_reason       TEXT,
    disputed_by          BIGINT,
    resolution_note      TEXT,
    -- when the parties reached the escrow-parties key-value bucket; null means a retry is due
    parties_published_at TIMESTAMPTZ,
    created_at           TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CHECK (buyer_id <> seller_id)
);

CREATE INDEX escrows_unpublished ON escrows (id) WHERE parties_published_at IS NULL;

-- Every status change, who made it and when.
CREATE TABLE escrow_transitions (
    id         BIGSERIAL   PRIMARY KEY,
    escrow_id  BIGINT      NOT NULL REFERENCES escrows (id),
    old_status TEXT,
    new_status TEXT        NOT NULL,
    actor      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX escrow_transitions_escrow ON escrow_transitions (escrow_id, id);
