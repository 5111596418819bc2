-- The version of the payment metrics: one row, raised by every transaction that changes a payment and
-- announces fresh metrics. Raising it takes the row's lock until commit, so those transactions reach
-- their metrics query and their outbox rows one after the other: each one's metrics include every
-- change of a lower version, and the outbox publishes them in version order. GET /api/payments/metrics
-- reads the version with the metrics in one statement, so it names the state it reports.
CREATE TABLE payment_metrics_version (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    version  BIGINT  NOT NULL
);

INSERT INTO payment_metrics_version (version) VALUES (0);
