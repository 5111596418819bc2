package io.leadline.shared.database;

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
 * Migrates a service's database with Flyway over a plain JDBC connection, the only JDBC a service opens:
 * everything else reaches the database on the reactive client. It observes the start before every other
 * observer, as quarkus-flyway's migration at start did: the scheduler starts its jobs at
 * {@link Interceptor.Priority#PLATFORM_BEFORE}, and they, the outbox relay and every start-up reader use
 * tables that a fresh database does not have yet. A failed migration stops the start.
 *
 * <p>The migrations are named one by one in {@value #MIGRATIONS} (the service's own, then the shared
 * outbox table's), since a native image cannot list a folder ({@link ListedMigrations}); each service's
 * {@code MigrationListTest} checks that the list names every file.
 */
@ApplicationScoped
public class DatabaseMigration {

    public static final String MIGRATIONS = "leadline.database.migrations";
    static final int MIGRATION_PRIORITY = Interceptor.Priority.PLATFORM_BEFORE - 1;

    @ConfigProperty(name = "leadline.database.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @ConfigProperty(name = MIGRATIONS)
    List<String> migrations;

    void migrate(@Observes @Priority(MIGRATION_PRIORITY) StartupEvent start) {
        Flyway.configure()
                .dataSource(jdbcUrl, username, password.orElse(null))
                .resourceProvider(new ListedMigrations(DatabaseMigration.class.getClassLoader(), migrations))
                .load()
                .migrate();
    }
}
