package io.leadline.leads.account.repository;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import io.leadline.leads.jdbc.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class AccountRepository {

    private static final String COLUMNS = "id, username, password_hash, role, created_at";

    @Inject
    Jdbc jdbc;

    /** Inserts the account, or returns empty when the username (in any case) is taken. */
    public Optional<Account> insert(String username, String passwordHash, Role role) {
        return jdbc.one("INSERT INTO accounts (username, password_hash, role) VALUES (?, ?, ?) "
                + "ON CONFLICT (lower(username)) DO NOTHING RETURNING " + COLUMNS,
                AccountRepository::map, username, passwordHash, role.wireName());
    }

    public Optional<Account> findById(long id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM accounts WHERE id = ?", AccountRepository::map, id);
    }

    public Optional<Account> findByUsername(String username) {
        return jdbc.one("SELECT " + COLUMNS + " FROM accounts WHERE lower(username) = lower(?)",
                AccountRepository::map, username);
    }

    /** The ids of every account with this role, in id order. */
    public List<Long> idsByRole(Role role) {
        return jdbc.list("SELECT id FROM accounts WHERE role = ? ORDER BY id", row -> row.getLong(1), role.wireName());
    }

    /** Those of {@code ids} that are accounts. */
    public List<Long> existingIds(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.list("SELECT id FROM accounts WHERE id = ANY (?) ORDER BY id", row -> row.getLong(1),
                (Object) ids.toArray(Long[]::new));
    }

    public void updatePasswordHash(long id, String passwordHash) {
        jdbc.update("UPDATE accounts SET password_hash = ?, updated_at = now() WHERE id = ?", passwordHash, id);
    }

    private static Account map(ResultSet row) throws SQLException {
        return new Account(row.getLong("id"), row.getString("username"), row.getString("password_hash"),
                Role.fromWireName(row.getString("role")).orElseThrow(), Jdbc.instant(row, "created_at"));
    }
}
