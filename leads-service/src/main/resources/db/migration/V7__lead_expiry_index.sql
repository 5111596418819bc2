-- The expiry job looks for marketplace leads by verification time.
CREATE INDEX leads_expiry_due ON leads (verified_at, id) WHERE status IN ('verified', 'distributed');
