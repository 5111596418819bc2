package io.leadline.notify.database;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

import java.util.List;
import java.util.Optional;

/**
 * Migrates notify's database with Flyway over a plain JDBC connection, the only JDBC this service
 * opens: everything else reaches the database on the reactive client. It observes the start before
 * every other observer, as quarkus-flyway's migration at start did: the scheduler starts its jobs at
 * {@link Interceptor.Priority#PLATFORM_BEFORE}, and they, the inbox writer, the inbox position and the
 * outbox relay all read tables that a fresh database does not have yet. A failed migration stops the
 * start.
 */
@ApplicationScoped
public class DatabaseMigration {

    static final int MIGRATION_PRIORITY = Interceptor.Priority.PLATFORM_BEFORE - 1;

    /**
     * notify's own tables, then the outbox table every service shares: every migration file by name, since
     * a native image cannot list a folder ({@link ListedMigrations}); a new file must be added here.
     */
    static final List<String> MIGRATIONS = List.of(
            "db/migration/V1__notifications.sql",
            "db/migration/V2__inbox_position.sql",
            "db/migration/V3__ws_tickets.sql",
            "db/outbox/V0_1__outbox.sql");

    @ConfigProperty(name = "leadline.database.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    void migrate(@Observes @Priority(MIGRATION_PRIORITY) StartupEvent start) {
        Flyway.configure()
                .dataSource(jdbcUrl, username, password.orElse(null))
                .resourceProvider(new ListedMigrations(DatabaseMigration.class.getClassLoader(), MIGRATIONS))
                .load()
                .migrate();
    }
}
