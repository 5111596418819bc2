-- Webhooks verify first: a request whose signature does not verify is no longer stored (it is only
-- counted). A verified event that we refuse (no amount, no currency, malformed) is stored as
-- 'rejected' and, like before, does not take the event id: the id is claimed only by events we act on.
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_status_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_status_check
    CHECK (status IN ('received', 'processed', 'ignored', 'failed', 'rejected'));

DROP INDEX webhook_events_once;
CREATE UNIQUE INDEX webhook_events_once ON webhook_events (provider, event_id)
    WHERE signature_valid AND status <> 'rejected';
