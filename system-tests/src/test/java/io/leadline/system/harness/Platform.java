package io.leadline.system.harness;

import io.leadline.testing.NatsTestBus;
import io.leadline.testing.NatsTestCluster;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.PostgresTestServer;
import io.leadline.testing.TestDatabases;
import io.restassured.http.ContentType;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;

/**
 * The whole platform for one test class: a private JetStream NATS server (or a three-node cluster,
 * {@link #startOnCluster}), a fresh database per service on the machine's PostgreSQL (or on a private
 * one, {@link #startOn}), and the three packaged services as separate processes. Start it in
 * {@code @BeforeAll} and close it in {@code @AfterAll}.
 */
public final class Platform implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Platform.class);

    public static final String ADMIN_USERNAME = "admin";

    private final NatsTestBus nats;
    /** null: the machine's shared server ({@link TestDatabases}). */
    private final PostgresTestServer postgres;
    private final List<String> databases = new ArrayList<>();
    private final String adminPassword = "admin-" + UUID.randomUUID();
    private ServiceProcess leads;
    private ServiceProcess payments;
    private ServiceProcess notify;

    private Platform(NatsTestBus nats, PostgresTestServer postgres) {
        this.nats = nats;
        this.postgres = postgres;
    }

    /** Starts NATS and the three services (in parallel) and waits until each is ready. */
    public static Platform start(Class<?> testClass) {
        return start(testClass, platform -> {
        });
    }

    /**
     * Like {@link #start(Class)}, with {@code configure} called once the services have their ports and
     * before they are launched: it may add properties that depend on the ports
     * ({@link ServiceProcess#property(String, String)}), such as the origins the dashboards come from.
     */
    public static Platform start(Class<?> testClass, Consumer<Platform> configure) {
        return start(testClass, NatsTestServer::start, null, configure);
    }

    /**
     * Like {@link #start(Class, Consumer)}, with the services' databases on {@code postgres}, a private
     * server the test may stop and restart, instead of the machine's shared one. The test owns the server
     * and closes it after the platform; the databases go with it.
     */
    public static Platform startOn(PostgresTestServer postgres, Class<?> testClass, Consumer<Platform> configure) {
        return start(testClass, NatsTestServer::start, Objects.requireNonNull(postgres), configure);
    }

    /** Like {@link #start(Class)}, on a three-node JetStream cluster whose every URL the services are given. */
    public static Platform startOnCluster(Class<?> testClass) {
        return start(testClass, NatsTestCluster::start, null, platform -> {
        });
    }

    private static Platform start(Class<?> testClass, Supplier<NatsTestBus> bus, PostgresTestServer postgres,
                                  Consumer<Platform> configure) {
        Platform platform = new Platform(bus.get(), postgres);
        try {
            String label = testClass.getSimpleName();
            platform.leads = platform.service("leads-service", "leads", label);
            platform.payments = platform.service("payments-service", "payments", label);
            platform.notify = platform.service("notify-service", "notify", label);
            configure.accept(platform);
            List<ServiceProcess> all = platform.services();
            all.forEach(ServiceProcess::launch);
            CompletableFuture.allOf(all.stream()
                    .map(service -> CompletableFuture.runAsync(service::awaitReady))
                    .toArray(CompletableFuture[]::new)).join();
            LOG.infof("platform up for %s: leads %d, payments %d, notify %d, NATS %s", label, platform.leads.port(),
                    platform.payments.port(), platform.notify.port(), platform.nats.url());
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private ServiceProcess service(String module, String databasePrefix, String label) {
        if (postgres != null) {
            String database = postgres.createDatabase("sys_" + databasePrefix);
            return ServiceProcess.forTest(module, label, database, nats, ADMIN_USERNAME, adminPassword)
                    .property("leadline.database.jdbc-url", postgres.jdbcUrl(database));
        }
        String database = TestDatabases.create("sys_" + databasePrefix);
        databases.add(database);
        return ServiceProcess.forTest(module, label, database, nats, ADMIN_USERNAME, adminPassword);
    }

    /** The private PostgreSQL server the services run on, when started with {@link #startOn}. */
    public Optional<PostgresTestServer> postgres() {
        return Optional.ofNullable(postgres);
    }

    public ServiceProcess leads() {
        return leads;
    }

    public ServiceProcess payments() {
        return payments;
    }

    public ServiceProcess notifyService() {
        return notify;
    }

    /** The single NATS server of a platform started with {@link #start}. */
    public NatsTestServer nats() {
        if (!(nats instanceof NatsTestServer server)) {
            throw new IllegalStateException("this platform runs on a NATS cluster: use cluster()");
        }
        return server;
    }

    /** The NATS cluster of a platform started with {@link #startOnCluster}. */
    public NatsTestCluster cluster() {
        if (!(nats instanceof NatsTestCluster cluster)) {
            throw new IllegalStateException("this platform runs on a single NATS server: use nats()");
        }
        return cluster;
    }

    /** The bus, one server or a cluster: for what works the same on both (connections, service properties). */
    public NatsTestBus bus() {
        return nats;
    }

    public List<ServiceProcess> services() {
        return List.of(leads, payments, notify);
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** A new user registered over leads-service's REST API, with a token. */
    public record User(String id, String username, String password, String role, String token) {
    }

    /** Registers a user with a unique name and the given role (provider, property_manager, customer). */
    public User register(String role) {
        String username = role + "_" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        String id = given().baseUri(leads.baseUri().toString()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password, "role", role))
                .when().post("/api/auth/register")
                .then().statusCode(201).extract().jsonPath().getString("id");
        return new User(id, username, password, role, token(username, password));
    }

    /** POST /api/auth/token: the access token of a user. */
    public String token(String username, String password) {
        return given().baseUri(leads.baseUri().toString()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .when().post("/api/auth/token")
                .then().statusCode(200).extract().jsonPath().getString("access_token");
    }

    public String adminToken() {
        return token(ADMIN_USERNAME, adminPassword);
    }

    @Override
    public void close() {
        CompletableFuture.allOf(Stream.of(notify, payments, leads).filter(Objects::nonNull)
                .map(service -> CompletableFuture.runAsync(service::stop))
                .toArray(CompletableFuture[]::new)).join();
        nats.close();
        for (String database : databases) {
            try {
                TestDatabases.drop(database);
            } catch (RuntimeException e) {
                LOG.warnf("cannot drop %s: %s", database, e.getMessage());
            }
        }
    }

    /** The repository root: system property {@code leadline.root} (set by system-tests/pom.xml), else {@code ..}. */
    public static Path root() {
        return Path.of(System.getProperty("leadline.root", "..")).toAbsolutePath().normalize();
    }

    public static Path targetDir() {
        return root().resolve("system-tests").resolve("target");
    }
}
