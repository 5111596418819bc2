-- The wallet keys of a claim's debit and refund were built from the claim id, which a database
-- restored from a backup hands out again: a new claim could then meet the debit of a forgotten one in
-- payments (a replayed answer, or key_reused). Every new claim gets a random payment_key instead.
-- Claims that exist already keep NULL and their id-based keys, because a claim still pending or
-- voiding may have been debited under that key and must be settled with it.
ALTER TABLE claims ADD COLUMN payment_key UUID;
ALTER TABLE claims ALTER COLUMN payment_key SET DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX claims_payment_key ON claims (payment_key);
