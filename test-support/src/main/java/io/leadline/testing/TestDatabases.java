package io.leadline.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Fresh PostgreSQL databases on the machine's real server: every test run gets its own, so no test
 * depends on what an earlier run left behind, and runs never see each other.
 */
public final class TestDatabases {

    public static final String ADMIN_URL = System.getProperty("leadline.test.pg.url",
            env("LEADLINE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"));
    public static final String USER = System.getProperty("leadline.test.pg.user", env("LEADLINE_TEST_PG_USER", "leadline"));
    public static final String PASSWORD = System.getProperty("leadline.test.pg.password", env("LEADLINE_TEST_PG_PASSWORD", "leadline"));

    static {
        // A test profile starts the application again in a class loader of its own. DriverManager only hands
        // a caller a driver registered from the caller's class loader, and registers the driver of a new one
        // only once its class is loaded there: without a JDBC extension (Agroal) doing that at start, load it.
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestDatabases() {
    }

    /** Creates {@code <prefix>_test_<random>} and returns its name. */
    public static String create(String prefix) {
        String name = (prefix + "_test_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return name;
    }

    public static void drop(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    public static String jdbcUrl(String database) {
        int slash = ADMIN_URL.lastIndexOf('/');
        int query = ADMIN_URL.indexOf('?', slash);
        return ADMIN_URL.substring(0, slash + 1) + database + (query < 0 ? "" : ADMIN_URL.substring(query));
    }

    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + ADMIN_URL, e);
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
