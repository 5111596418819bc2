-- Leads from the public form. Contact columns never leave this service except to admins and claimants.
CREATE TABLE leads (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         TEXT        NOT NULL,
    description   TEXT        NOT NULL,
    category      TEXT        NOT NULL,
    contact_name  TEXT        NOT NULL,
    contact_email TEXT        NOT NULL,
    contact_phone TEXT        NOT NULL,
    city          TEXT        NOT NULL,
    state         CHAR(2)     NOT NULL,
    zip           TEXT        NOT NULL,
    property_type TEXT        NOT NULL,
    units         INT         NOT NULL CHECK (units > 0),
    urgency       TEXT        NOT NULL CHECK (urgency IN ('low', 'medium', 'high', 'urgent')),
    status        TEXT        NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'verified', 'distributed', 'full', 'expired', 'closed')),
    price         INT         NOT NULL CHECK (price >= 0),
    max_claims    INT         NOT NULL CHECK (max_claims > 0),
    claim_count   INT         NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    verified_at   TIMESTAMPTZ,
    CONSTRAINT leads_claims_within_max CHECK (claim_count BETWEEN 0 AND max_claims)
);

CREATE INDEX leads_by_status ON leads (status, id DESC);
CREATE INDEX leads_by_category ON leads (category, id DESC);
CREATE INDEX leads_by_place ON leads (state, lower(city), id DESC);
