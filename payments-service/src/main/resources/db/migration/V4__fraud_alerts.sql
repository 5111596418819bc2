-- Alerts raised by the fraud rules. A rule alerts at most once per customer and window: the first
-- alert opens a window (window_start) during which the rule stays quiet for that customer. The
-- check runs under a transaction-scoped advisory lock per rule and customer, so concurrent payments
-- cannot both alert.
CREATE TABLE fraud_alerts (
    id             BIGSERIAL   PRIMARY KEY,
    rule           TEXT        NOT NULL,
    severity       TEXT        NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    customer_id    BIGINT      NOT NULL,
    transaction_id BIGINT      REFERENCES payments (id),
    details        TEXT        NOT NULL,
    window_start   TIMESTAMPTZ NOT NULL,
    window_end     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX fraud_alerts_rule_customer ON fraud_alerts (rule, customer_id, window_end DESC);
CREATE INDEX fraud_alerts_created ON fraud_alerts (created_at DESC);
