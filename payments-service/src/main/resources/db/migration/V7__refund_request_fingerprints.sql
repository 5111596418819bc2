-- An admin refund's Idempotency-Key is bound to the request it first came with: the fingerprint of
-- (payment, amount asked, reason). The same key with another request is refused instead of replaying
-- a refund that was not asked for. Null for refunds recorded before.
ALTER TABLE refunds ADD COLUMN request_fingerprint TEXT;
