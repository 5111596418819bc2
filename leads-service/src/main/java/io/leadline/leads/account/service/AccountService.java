package io.leadline.leads.account.service;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import io.leadline.leads.account.repository.AccountRepository;
import io.leadline.shared.web.ProblemException;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Accounts on the reactive client. Password hashing and checking (bcrypt, deliberately slow) run on a
 * worker thread ({@link VertxContextSupport#executeBlocking}), which hands the result back on the
 * caller's Vert.x context, where the database work goes on.
 */
@ApplicationScoped
public class AccountService {

    /**
     * Checked against when the username is unknown, so a failed login costs the same bcrypt work
     * whether or not the account exists and response times do not reveal which usernames are taken.
     * In a holder, so that it is computed on the worker thread of the first sign-in, never on an event loop.
     */
    private static final class Decoy {
        static final String HASH = BcryptUtil.bcryptHash("decoy-password-never-matches");
    }

    @Inject
    AccountRepository accounts;

    public Uni<Account> register(String username, String password, Role role) {
        if (!role.selfService()) {
            return Uni.createFrom().failure(ProblemException.invalidField("role", "cannot be chosen at registration"));
        }
        return VertxContextSupport.executeBlocking(() -> BcryptUtil.bcryptHash(password))
                .flatMap(hash -> Panache.withTransaction(() -> accounts.insert(username, hash, role)))
                .map(inserted -> inserted.orElseThrow(
                        () -> ProblemException.conflict("username '" + username + "' is already taken")));
    }

    public Uni<Optional<Account>> authenticate(String username, String password) {
        return Panache.withTransaction(() -> accounts.findByUsername(username))
                .flatMap(account -> VertxContextSupport.executeBlocking(() -> {
                    String hash = account.map(Account::passwordHash).orElse(Decoy.HASH);
                    return BcryptUtil.matches(password, hash) ? account : Optional.<Account>empty();
                }));
    }

    public Uni<Optional<Account>> find(long id) {
        return Panache.withTransaction(() -> accounts.findAccount(id));
    }
}
