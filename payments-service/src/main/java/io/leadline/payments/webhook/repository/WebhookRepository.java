package io.leadline.payments.webhook.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class WebhookRepository {

    @Inject
    AgroalDataSource dataSource;

    /**
     * Records a verified event we refuse to act on (malformed, no amount or currency) as rejected; never
     * claims the event id. Requests whose signature does not verify are not recorded at all.
     */
    public long insertRejected(String provider, String eventId, String type, String error, String payload) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO webhook_events (provider, event_id, event_type, signature_valid, status, error, payload, processed_at)
                VALUES (?, ?, ?, true, 'rejected', ?, ?, now()) RETURNING id""")) {
            ps.setString(1, provider);
            ps.setString(2, eventId);
            ps.setString(3, type);
            ps.setString(4, error);
            ps.setString(5, payload);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record webhook", e);
        }
    }

    /** Claims a verified event id; empty when it was seen before (or is being processed right now). */
    public Optional<Long> claim(String provider, String eventId, String type, String payload) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO webhook_events (provider, event_id, event_type, signature_valid, status, payload)
                VALUES (?, ?, ?, true, 'received', ?)
                ON CONFLICT (provider, event_id) WHERE signature_valid AND status <> 'rejected'
                DO NOTHING RETURNING id""")) {
            ps.setString(1, provider);
            ps.setString(2, eventId);
            ps.setString(3, type);
            ps.setString(4, payload);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record webhook", e);
        }
    }

    public void finish(long id, String status, String error, Long paymentId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE webhook_events SET status = ?, error = ?, payment_id = ?, processed_at = now() WHERE id = ?""")) {
            ps.setString(1, status);
            ps.setString(2, error);
            if (paymentId == null) {
                ps.setNull(3, Types.BIGINT);
            } else {
                ps.setLong(3, paymentId);
            }
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record webhook outcome", e);
        }
    }
}
