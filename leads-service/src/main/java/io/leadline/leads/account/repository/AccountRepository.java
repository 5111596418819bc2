package io.leadline.leads.account.repository;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import io.leadline.shared.database.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** {@code accounts} on Hibernate Reactive; every method runs in the caller's reactive session. */
@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<StoredAccount, Long> {

    static final String COLUMNS = "id, username, password_hash, role, created_at";

    /** Inserts the account, or returns empty when the username (in any case) is taken. */
    public Uni<Optional<Account>> insert(String username, String passwordHash, Role role) {
        return NativeSql.row(StoredAccount::read, "INSERT INTO accounts (username, password_hash, role) VALUES (?, ?, ?) "
                + "ON CONFLICT (lower(username)) DO NOTHING RETURNING " + COLUMNS, username, passwordHash, role.wireName());
    }

    public Uni<Optional<Account>> findAccount(long id) {
        return NativeSql.row(StoredAccount::read, "SELECT " + COLUMNS + " FROM accounts WHERE id = ?", id);
    }

    public Uni<Optional<Account>> findByUsername(String username) {
        return NativeSql.row(StoredAccount::read, "SELECT " + COLUMNS + " FROM accounts WHERE lower(username) = lower(?)",
                username);
    }

    /** The ids of every account with this role, in id order. */
    public Uni<List<Long>> idsByRole(Role role) {
        return NativeSql.<Number>scalars("SELECT id FROM accounts WHERE role = ? ORDER BY id", role.wireName())
                .map(AccountRepository::longs);
    }

    /** Those of {@code ids} that are accounts. */
    public Uni<List<Long>> existingIds(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return NativeSql.<Number>scalars("SELECT id FROM accounts WHERE id IN (" + NativeSql.placeholders(ids)
                + ") ORDER BY id", ids.toArray()).map(AccountRepository::longs);
    }

    public Uni<Void> updatePasswordHash(long id, String passwordHash) {
        return NativeSql.execute("UPDATE accounts SET password_hash = ?, updated_at = now() WHERE id = ?", passwordHash, id)
                .replaceWithVoid();
    }

    private static List<Long> longs(List<Number> numbers) {
        return numbers.stream().map(Number::longValue).toList();
    }
}
