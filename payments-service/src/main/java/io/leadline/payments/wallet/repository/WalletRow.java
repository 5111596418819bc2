package io.leadline.payments.wallet.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code wallets}: a user's balance, the cache of the ledger's sum. */
@Entity
@Table(name = "wallets")
public class WalletRow {

    @Id
    @Column(name = "user_id")
    public Long userId;

    public long balance;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
