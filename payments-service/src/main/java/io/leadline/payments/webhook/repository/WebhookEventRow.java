package io.leadline.payments.webhook.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code webhook_events}: a verified provider event and what became of it. */
@Entity
@Table(name = "webhook_events")
public class WebhookEventRow {

    @Id
    public Long id;

    public String provider;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "event_type")
    public String eventType;

    @Column(name = "signature_valid")
    public boolean signatureValid;

    public String status;

    public String error;

    @Column(name = "payment_id")
    public Long paymentId;

    public String payload;

    @Column(name = "received_at")
    public Instant receivedAt;

    @Column(name = "processed_at")
    public Instant processedAt;
}
