-- Money per currency: a payment keeps its amount in the currency's smallest unit (cents, paise), the
-- unit providers report, so a webhook is matched against it as an exact integer together with the
-- currency. The major-unit amount stays for display, refunds and metrics; both are written from one
-- value by the service. Every currency accepted so far has two decimals.
ALTER TABLE payments ADD COLUMN amount_minor BIGINT;
UPDATE payments SET amount_minor = (amount * 100)::BIGINT;
ALTER TABLE payments
    ALTER COLUMN amount_minor SET NOT NULL,
    ADD CONSTRAINT payments_amount_minor_positive CHECK (amount_minor > 0),
    ADD CONSTRAINT payments_currency_code CHECK (currency ~ '^[A-Z]{3}$');
