package io.leadline.notify.inbox.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The one row of {@code inbox_position}: how far the inbox has read the stream, and who writes it. */
@Entity
@Table(name = "inbox_position")
public class InboxPositionRow {

    @Id
    public short id;

    @Column(name = "stream_seq")
    public long streamSeq;

    @Column(name = "stream_created")
    public Instant streamCreated;

    public String writer;

    @Column(name = "lease_until")
    public Instant leaseUntil;
}
