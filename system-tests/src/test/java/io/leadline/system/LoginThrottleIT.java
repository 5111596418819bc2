package io.leadline.system;

import io.leadline.system.harness.ServiceProcess;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.TestDatabases;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in failures are counted in leads-service's database, not per process: two instances on one
 * database throttle an account together, and a restart forgets nothing.
 */
class LoginThrottleIT {

    private static final int ACCOUNT_LIMIT = 5;
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private static NatsTestServer nats;
    private static String database;
    private static ServiceProcess first;
    private static ServiceProcess second;

    @BeforeAll
    static void start() {
        nats = NatsTestServer.start();
        database = TestDatabases.create("sys_throttle");
        String adminPassword = "admin-" + UUID.randomUUID();
        first = ServiceProcess.forTest("leads-service", "LoginThrottleIT-1", database, nats, "admin", adminPassword);
        second = ServiceProcess.forTest("leads-service", "LoginThrottleIT-2", database, nats, "admin", adminPassword);
        // one at a time: both migrate the same database at start
        first.start();
        second.start();
    }

    @AfterAll
    static void stop() {
        CompletableFuture.allOf(java.util.stream.Stream.of(first, second).filter(java.util.Objects::nonNull)
                .map(service -> CompletableFuture.runAsync(service::stop)).toArray(CompletableFuture[]::new)).join();
        if (nats != null) {
            nats.close();
        }
        if (database != null) {
            TestDatabases.drop(database);
        }
    }

    @Test
    void instancesShareTheCountsAndARestartKeepsThem() throws SQLException {
        String username = "throttled_" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        given().baseUri(first.baseUri().toString()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password, "role", "provider"))
                .post("/api/auth/register").then().statusCode(201);

        List<ServiceProcess> both = List.of(first, second);
        for (int i = 0; i < ACCOUNT_LIMIT; i++) {
            signIn(both.get(i % 2), username, "wrong password").statusCode(401);
        }
        for (ServiceProcess instance : both) {
            String retryAfter = signIn(instance, username, password).statusCode(429)
                    .contentType("application/problem+json").extract().header("Retry-After");
            assertThat(Integer.parseInt(retryAfter)).isBetween(1, 15 * 60);
        }

        first.restart();
        signIn(first, username, password).statusCode(429);

        // the window ends (moved into the past here rather than waited for): both let the user in
        try (Connection connection = TestDatabases.connect(database);
                PreparedStatement statement = connection.prepareStatement("UPDATE login_failures "
                        + "SET window_started_at = window_started_at - interval '15 minutes' WHERE scope = 'account'")) {
            statement.executeUpdate();
        }
        signIn(second, username, password).statusCode(200);
        signIn(first, username, password).statusCode(200);
    }

    /** From a new documentation address (TEST-NET-2) each time, so only the account's count matters. */
    private static ValidatableResponse signIn(ServiceProcess instance, String username, String password) {
        int n = ADDRESSES.incrementAndGet();
        return given().baseUri(instance.baseUri().toString()).contentType(ContentType.JSON)
                .header("X-Forwarded-For", "198.51.100." + (1 + n % 250))
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/token").then();
    }
}
