-- What a provider or property manager wants to receive. One profile per account, replaced as a whole.
CREATE TABLE provider_profiles (
    account_id     BIGINT      PRIMARY KEY REFERENCES accounts (id),
    categories     TEXT[]      NOT NULL,
    property_types TEXT[]      NOT NULL,
    service_areas  JSONB       NOT NULL,
    min_units      INT CHECK (min_units > 0),
    max_units      INT CHECK (max_units > 0),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT provider_profiles_unit_range CHECK (min_units IS NULL OR max_units IS NULL OR min_units <= max_units)
);

CREATE INDEX provider_profiles_categories ON provider_profiles USING GIN (categories);
