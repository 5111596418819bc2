package io.leadline.notify.inbox.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code inbox_parked}: an escrow notification waiting for its parties. */
@Entity
@Table(name = "inbox_parked")
public class ParkedNotification {

    @Id
    @Column(name = "stream_seq")
    public long streamSeq;

    @Column(name = "escrow_id")
    public String escrowId;

    public String subject;

    public String envelope;

    @Column(name = "parked_at")
    public Instant parkedAt;
}
