package io.leadline.payments.webhook.repository;

import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Verified provider events; every method runs on the session of the caller's reactive transaction. */
@ApplicationScoped
public class WebhookRepository implements PanacheRepositoryBase<WebhookEventRow, Long> {


    /**
     * Records a verified event we refuse to act on (malformed, no amount or currency) as rejected; never
     * claims the event id. Requests whose signature does not verify are not recorded at all.
     */
    public Uni<Long> insertRejected(String provider, String eventId, String type, String error, String payload) {
        return NativeSql.row(NativeSql.Row::longValue, """
                INSERT INTO webhook_events (provider, event_id, event_type, signature_valid, status, error, payload,
                                            processed_at)
                VALUES (?, CAST(? AS text), CAST(? AS text), true, 'rejected', ?, ?, now()) RETURNING id""",
                provider, eventId, type, error, payload).map(Optional::orElseThrow);
    }

    /** Claims a verified event id; empty when it was seen before (or is being processed right now). */
    public Uni<Optional<Long>> claim(String provider, String eventId, String type, String payload) {
        return NativeSql.row(NativeSql.Row::longValue, """
                INSERT INTO webhook_events (provider, event_id, event_type, signature_valid, status, payload)
                VALUES (?, ?, CAST(? AS text), true, 'received', ?)
                ON CONFLICT (provider, event_id) WHERE signature_valid AND status <> 'rejected'
                DO NOTHING RETURNING id""", provider, eventId, type, payload);
    }

    public Uni<Void> finish(long id, String status, String error, Long paymentId) {
        return NativeSql.execute("""
                UPDATE webhook_events SET status = ?, error = CAST(? AS text), payment_id = CAST(? AS bigint),
                       processed_at = now()
                WHERE id = ?""", status, error, paymentId, id).replaceWithVoid();
    }
}
