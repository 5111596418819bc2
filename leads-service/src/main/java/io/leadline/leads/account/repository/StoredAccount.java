package io.leadline.leads.account.repository;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code accounts}; written by native statements ({@code ON CONFLICT}), handed out as {@link Account}. */
@Entity
@Table(name = "accounts")
public class StoredAccount {

    @Id
    public Long id;

    public String username;

    @Column(name = "password_hash")
    public String passwordHash;

    public String role;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    Account toAccount() {
        return new Account(id, username, passwordHash, Role.fromWireName(role).orElseThrow(), createdAt);
    }
}
