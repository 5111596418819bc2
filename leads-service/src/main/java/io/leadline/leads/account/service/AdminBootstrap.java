package io.leadline.leads.account.service;

import io.leadline.leads.account.Account;
import io.leadline.leads.account.Role;
import io.leadline.leads.account.repository.AccountRepository;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Admins exist only because configuration says so: the configured admin is created at start, or its
 * password hash is brought in line with the configured password. The start-up thread is not an event
 * loop: it waits for each reactive transaction ({@link VertxContextSupport#subscribeAndAwait}, which runs
 * it on a Vert.x context) and does the bcrypt work itself in between.
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

    void ensureAdmin(@Observes StartupEvent start) {
        if (username.isBlank() || password.isBlank()) {
            throw new IllegalStateException("leadline.admin.username and leadline.admin.password must be set");
        }
        Optional<Account> existing = await(() -> Panache.withTransaction(() -> accounts.findByUsername(username)));
        if (existing.isEmpty()) {
            // another instance starting at the same moment may win the insert; its row is as good as ours
            String hash = BcryptUtil.bcryptHash(password);
            await(() -> Panache.withTransaction(() -> accounts.insert(username, hash, Role.ADMIN)))
                    .ifPresent(created -> LOG.infof("created admin account '%s'", username));
            return;
        }
        Account account = existing.get();
        if (account.role() != Role.ADMIN) {
            // promoting somebody's self-registered account would hand its owner's history to the admin
            throw new IllegalStateException("configured admin username '" + username
                    + "' belongs to a " + account.role().wireName() + " account; choose another admin username");
        }
        if (!BcryptUtil.matches(password, account.passwordHash())) {
            String hash = BcryptUtil.bcryptHash(password);
            await(() -> Panache.withTransaction(() -> accounts.updatePasswordHash(account.id(), hash)));
            LOG.infof("updated the password of admin account '%s'", username);
        }
    }

    private static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot set up the admin account", e);
        }
    }
}
