package io.leadline.system.harness;

import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.NatsTestBus;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.TestDatabases;
import io.leadline.testing.TestTokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code <root>/<service>/target/quarkus-app/quarkus-run.jar}) running as its own
 * OS process, configured with {@code -D} system properties, logging to a file under
 * {@code system-tests/target/services/}. It keeps its ports (the public one and the management one, where
 * health and metrics are served) across {@link #restart()}, so clients can reconnect to the same address.
 */
public final class ServiceProcess implements AutoCloseable {

    /**
     * Start-up of a packaged service, which may run next to two more starting at once on a loaded
     * two-core machine; generous, since a start that is fast ends the wait at once.
     */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** One readiness probe (health checks include the database and NATS); a slow answer is asked again. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a killed process may take to be gone, its port free for a restart. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    private final String service;
    private final String database;
    private final int port;
    private final int managementPort;
    private final Map<String, String> properties;
    private final Path logFile;
    private Process process;
    /** Where the latest launch's output starts in the log file (it is appended to across launches). */
    private long launchOffset;

    /**
     * @param service    the module name, for example {@code leads-service}
     * @param label      prefixes the log file name (the test class, usually)
     * @param database   the name of its database, for tests that look inside
     * @param properties system properties on top of the port, for example the datasource and NATS URL
     */
    public ServiceProcess(String service, String label, String database, Map<String, String> properties) {
        this.service = service;
        this.database = database;
        this.port = NatsTestServer.freePort();
        this.managementPort = NatsTestServer.freePort();
        this.properties = new LinkedHashMap<>(properties);
        this.properties.put("quarkus.http.port", String.valueOf(port));
        this.properties.put("quarkus.management.port", String.valueOf(managementPort));
        this.logFile = Platform.targetDir().resolve("services").resolve(label + "-" + service + ".log");
    }

    /**
     * The standard properties of a service under test: its database, a NATS server (connected as the
     * service's own NATS user, {@code leads-service} as {@code leads}), the run's JWT keys, the admin account
     * and the run's webhook secrets (the prod profile has no default for secrets).
     */
    public static Map<String, String> standardProperties(String service, String database, NatsTestBus nats,
            Path jwtKeyDir, String adminUsername, String adminPassword) {
        Map<String, String> properties = new LinkedHashMap<>();
        // no service has a JDBC pool: the JDBC URL serves the migrations, and the reactive client reads it too
        properties.put("leadline.database.jdbc-url", TestDatabases.jdbcUrl(database));
        properties.put("quarkus.datasource.username", TestDatabases.USER);
        properties.put("quarkus.datasource.password", TestDatabases.PASSWORD);
        properties.putAll(nats.clientProperties(NatsIdentity.ofUser(service.replace("-service", ""))));
        properties.put("leadline.jwt.key-dir", jwtKeyDir.toString());
        properties.put("leadline.admin.username", adminUsername);
        properties.put("leadline.admin.password", adminPassword);
        properties.put("leadline.payments.webhook.stripe-secret", WebhookSecrets.STRIPE);
        properties.put("leadline.payments.webhook.razorpay-secret", WebhookSecrets.RAZORPAY);
        return properties;
    }

    /** A service on a fresh database with {@link #standardProperties}. */
    public static ServiceProcess forTest(String service, String label, String database, NatsTestBus nats,
            String adminUsername, String adminPassword) {
        return new ServiceProcess(service, label, database, standardProperties(service, database, nats,
                TestTokens.keyDir(), adminUsername, adminPassword));
    }

    /** Sets a system property for the next launch (on top of or replacing the ones given). */
    public ServiceProcess property(String key, String value) {
        if (key.equals("quarkus.http.port") || key.equals("quarkus.management.port")) {
            throw new IllegalArgumentException("the ports are chosen by ServiceProcess and kept across restarts");
        }
        properties.put(key, value);
        return this;
    }

    /** Leaves a system property out of the next launch, to start without it. */
    public ServiceProcess withoutProperty(String key) {
        properties.remove(key);
        return this;
    }

    public String name() {
        return service;
    }

    /** The name of this service's database ({@link io.leadline.testing.TestDatabases#connect(String)}). */
    public String database() {
        return database;
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics}, {@code /q/openapi}. */
    public int managementPort() {
        return managementPort;
    }

    public URI managementUri() {
        return URI.create("http://127.0.0.1:" + managementPort);
    }

    /** A WebSocket address on this service, for example {@code wsUri("/ws")}. */
    public URI wsUri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    public Path logFile() {
        return logFile;
    }

    /** The operating system's id of the running process, for {@code /proc/<pid>} and {@code jcmd}. */
    public long pid() {
        if (!isAlive()) {
            throw new IllegalStateException(service + " is not running");
        }
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the process (appending to its log) without waiting for it. */
    public ServiceProcess launch() {
        if (isAlive()) {
            throw new IllegalStateException(service + " is already running");
        }
        Path jar = Platform.root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw -B package -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(logFile.getParent());
            launchOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "==== starting " + service + " on port " + port + " (management "
                    + managementPort + ")\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Platform.root().resolve(service).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // the environment must not override what the properties set
            builder.environment().keySet().removeIf(name -> name.startsWith("LEADLINE_") || name.equals("NATS_URL")
                    || name.endsWith("_DB_URL") || name.endsWith("_DB_USER") || name.endsWith("_DB_PASSWORD")
                    || name.startsWith("QUARKUS_"));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service, e);
        }
        return this;
    }

    /** Starts the process and waits until {@code GET /q/health/ready} on the management port answers 200. */
    public ServiceProcess start() {
        launch();
        awaitReady();
        return this;
    }

    public void awaitReady() {
        awaitReady(READY_TIMEOUT);
    }

    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(managementUri().resolve("/q/health/ready"))
                .timeout(PROBE_TIMEOUT).GET().build();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException(service + " exited with code " + process.exitValue()
                        + " during start-up; log " + logFile + ":\n" + logTail(60));
            }
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException(service + " not ready after " + timeout.toSeconds() + " s (last answer: " + last
                + "); log " + logFile + ":\n" + logTail(60));
    }

    /**
     * Waits for a process that is expected to stop by itself (a start that must fail) and returns its
     * exit code; fails when it is still running after {@code timeout}.
     */
    public int awaitExit(Duration timeout) {
        if (!waitForExit(timeout)) {
            throw new IllegalStateException(service + " still runs after " + timeout.toSeconds() + " s; log " + logFile
                    + ":\n" + logTail(60));
        }
        return process.exitValue();
    }

    /** The log of the latest launch (earlier runs and launches may have written to the same file). */
    public String log() {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(launchOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process dies at once, whatever it was doing. */
    public void kill() {
        if (isAlive()) {
            process.destroyForcibly();
            if (!waitForExit(EXIT_TIMEOUT)) {
                throw new IllegalStateException(service + " (pid " + process.pid() + ") still running "
                        + EXIT_TIMEOUT.toSeconds() + " s after SIGKILL");
            }
        }
    }

    /**
     * SIGSTOP: the process freezes where it is, its connections still open, so requests sent to it are
     * received by nobody and answered by nobody until {@link #kill()} or SIGCONT.
     */
    public void suspend() {
        if (!isAlive()) {
            throw new IllegalStateException(service + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("cannot suspend " + service + " (pid " + process.pid() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: a graceful shutdown; SIGKILL if it takes longer than 30 s. */
    public void stop() {
        if (isAlive()) {
            process.destroy();
            if (!waitForExit(Duration.ofSeconds(30))) {
                kill();
            }
        }
    }

    /** Stops (SIGTERM) if running, then starts again on the same ports and database and waits until ready. */
    public ServiceProcess restart() {
        stop();
        return start();
    }

    @Override
    public void close() {
        stop();
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return service + " on port " + port + " (management " + managementPort + ")";
    }
}
