package io.leadline.leads.account.service;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import io.leadline.leads.account.repository.AccountRepository;
import io.leadline.shared.web.ProblemException;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.Optional;

@ApplicationScoped
public class AccountService {

    /**
     * Checked against when the username is unknown, so a failed login costs the same bcrypt work
     * whether or not the account exists and response times do not reveal which usernames are taken.
     */
    private static final String DECOY_HASH = BcryptUtil.bcryptHash("decoy-password-never-matches");

    @Inject
    AccountRepository accounts;

    @Transactional
    public Account register(String username, String password, Role role) {
        if (!role.selfService()) {
            throw ProblemException.invalidField("role", "cannot be chosen at registration");
        }
        return accounts.insert(username, BcryptUtil.bcryptHash(password), role)
                .orElseThrow(() -> ProblemException.conflict("username '" + username + "' is already taken"));
    }

    public Optional<Account> authenticate(String username, String password) {
        Optional<Account> account = accounts.findByUsername(username);
        String hash = account.map(Account::passwordHash).orElse(DECOY_HASH);
        boolean matches = BcryptUtil.matches(password, hash);
        return matches ? account : Optional.empty();
    }

    public Optional<Account> find(long id) {
        return accounts.findById(id);
    }
}
