package io.leadline.leads.account.service;

import io.leadline.leads.account.Role;
import io.leadline.leads.account.repository.AccountRepository;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Admins exist only because configuration says so: the configured admin is created at start, or its
 * password hash is brought in line with the configured password.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

    @Inject
    AccountRepository accounts;

    @ConfigProperty(name = "leadline.admin.username")
    String username;

    @ConfigProperty(name = "leadline.admin.password")
    String password;

    @Transactional
    void ensureAdmin(@Observes StartupEvent start) {
        if (username.isBlank() || password.isBlank()) {
            throw new IllegalStateException("leadline.admin.username and leadline.admin.password must be set");
        }
        var existing = accounts.findByUsername(username);
        if (existing.isEmpty()) {
            // another instance starting at the same moment may win the insert; its row is as good as ours
            accounts.insert(username, BcryptUtil.bcryptHash(password), Role.ADMIN)
                    .ifPresent(created -> LOG.infof("created admin account '%s'", username));
            return;
        }
        var account = existing.get();
        if (account.role() != Role.ADMIN) {
            // promoting somebody's self-registered account would hand its owner's history to the admin
            throw new IllegalStateException("configured admin username '" + username
                    + "' belongs to a " + account.role().wireName() + " account; choose another admin username");
        }
        if (!BcryptUtil.matches(password, account.passwordHash())) {
            accounts.updatePasswordHash(account.id(), BcryptUtil.bcryptHash(password));
            LOG.infof("updated the password of admin account '%s'", username);
        }
    }
}
