package io.leadline.leads.account.repository;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import io.leadline.shared.database.NativeSql;
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

    /** An account from a row of {@link AccountRepository#COLUMNS}, in that order. */
    static Account read(NativeSql.Row row) {
        return new Account(row.longValue(), row.string(), row.string(), Role.fromWireName(row.string()).orElseThrow(),
                row.instant());
    }
}
