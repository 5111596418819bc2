package io.leadline.payments.support;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Plain JDBC connections to the running test's database, for tests that look at or change rows behind
 * the service's back: the service itself is on the reactive client and has no JDBC pool to borrow from.
 */
@Singleton
public class TestDatabase {

    public Connection getConnection() throws SQLException {
        try {
            Class.forName("org.postgresql.Driver"); // registered from this class loader (see TestDatabases)
        } catch (ClassNotFoundException e) {
            throw new SQLException(e);
        }
        Config config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("leadline.database.jdbc-url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
    }
}
