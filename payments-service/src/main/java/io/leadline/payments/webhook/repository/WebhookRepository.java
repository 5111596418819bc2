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
        return NativeSql.rows(WebhookEventRow.class, """
                INSERT INTO webhook_events (provider, event_id, event_type, signature_valid, status, error, payload,
                                            processed_at)
                VALUES (?, CAST(? AS text), CAST(? AS text), true, 'rejected', ?, ?, now()) RETURNING *""",
                provider, eventId, type, error, payload).map(rows -> rows.get(0).id);
    }

    /** Claims a verified event id; empty when it was seen before (or is being processed right now). */
    public Uni<Optional<Long>> claim(String provider, String eventId, String type, String payload) {
        return NativeSql.row(WebhookEventRow.class, """
                INSERT INTO webhook_events (provider, event_id, event_type, signature_valid, status, payload)
                VALUES (?, ?, CAST(? AS text), true, 'received', ?)
                ON CONFLICT (provider, event_id) WHERE signature_valid AND status <> 'rejected'
                DO NOTHING RETURNING *""", provider, eventId, type, payload).map(row -> row.map(event -> event.id));
    }

    public Uni<Void> finish(long id, String status, String error, Long paymentId) {
        return NativeSql.execute("""
                UPDATE webhook_events SET status = ?, error = CAST(? AS text), payment_id = CAST(? AS bigint),
                       processed_at = now()
                WHERE id = ?""", status, error, paymentId, id).replaceWithVoid();
    }
}
