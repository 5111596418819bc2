package io.leadline.payments.wallet.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A row of {@code wallet_requests}: an idempotent wallet request and the first answer it got. */
@Entity
@Table(name = "wallet_requests")
@IdClass(WalletRequestRow.Key.class)
public class WalletRequestRow {

    /** The primary key: the operation and the caller's key. */
    public static class Key implements Serializable {

        public String operation;

        public String idempotencyKey;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(operation, key.operation)
                    && Objects.equals(idempotencyKey, key.idempotencyKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(operation, idempotencyKey);
        }
    }

    @Id
    public String operation;

    @Id
    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "user_id")
    public long userId;

    public long amount;

    public String reference;

    public Boolean ok;

    @Column(name = "new_balance")
    public Long newBalance;

    public String reason;

    @Column(name = "created_at")
    public Instant createdAt;
}
