package io.leadline.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import io.leadline.shared.nats.security.NatsIdentity;

import java.util.HashMap;
import java.util.Map;

/**
 * What a service test needs, all real: a fresh database on the machine's PostgreSQL, a private
 * JetStream-enabled NATS server with the production permission model (the service connects as its own
 * NATS user), and the JWT keys of the run. Init arg {@code database} names the service (the prefix of
 * its test database, and its NATS user).
 */
public class LeadlineTestResources implements QuarkusTestResourceLifecycleManager {

    private static NatsTestServer nats;
    private String database;
    private String prefix = "leadline";

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("database", prefix);
    }

    @Override
    public Map<String, String> start() {
        database = TestDatabases.create(prefix);
        nats = NatsTestServer.start();
        Map<String, String> config = new HashMap<>();
        // no service has a JDBC pool: the JDBC URL serves the migrations, and the reactive client reads it too
        config.put("leadline.database.jdbc-url", TestDatabases.jdbcUrl(database));
        config.put("quarkus.datasource.username", TestDatabases.USER);
        config.put("quarkus.datasource.password", TestDatabases.PASSWORD);
        config.putAll(nats.clientProperties(NatsIdentity.ofUser(prefix)));
        config.put("leadline.jwt.key-dir", TestTokens.keyDir().toString());
        return config;
    }

    /** The NATS server of the running test, for tests that break it on purpose. */
    public static NatsTestServer nats() {
        return nats;
    }

    @Override
    public void stop() {
        if (nats != null) {
            nats.close();
        }
        if (database != null) {
            TestDatabases.drop(database);
        }
    }
}
