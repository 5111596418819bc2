package io.leadline.payments.wallet.repository;

import io.leadline.payments.wallet.LedgerEntry;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code ledger_entries}: one booked balance change. */
@Entity
@Table(name = "ledger_entries")
public class LedgerEntryRow {

    @Id
    public Long id;

    @Column(name = "user_id")
    public long userId;

    public long change;

    @Column(name = "balance_after")
    public long balanceAfter;

    public String kind;

    public String reason;

    public String reference;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "created_at")
    public Instant createdAt;

    LedgerEntry toEntry() {
        return new LedgerEntry(id, userId, change, balanceAfter, kind, reason, reference, createdAt);
    }
}
