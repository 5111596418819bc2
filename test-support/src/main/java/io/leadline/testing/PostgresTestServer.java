package io.leadline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for one test class ({@code initdb} into a temporary directory, a free
 * loopback port, trust authentication for {@link TestDatabases#USER}), so a test can stop, crash and
 * restart the database its services run on without touching the machine's shared server. The binaries
 * come from {@code leadline.test.pg.bin} (default {@code /usr/lib/postgresql/15/bin}). {@code initdb}
 * refuses to run as root: as root, the cluster is created and run by the {@code postgres} OS user
 * ({@code runuser}) in a directory that user owns.
 */
public final class PostgresTestServer implements AutoCloseable {

    public static final Path BINARIES = Path.of(System.getProperty("leadline.test.pg.bin",
            TestDatabases.env("LEADLINE_TEST_PG_BIN", "/usr/lib/postgresql/15/bin")));
    private static final String OS_USER_WHEN_ROOT = "postgres";
    /** initdb, a start with crash recovery, a stop: each may take long on a loaded machine. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    /** How {@link #stop(Shutdown)} ends the server (pg_ctl's modes). */
    public enum Shutdown {
        /** Sessions are ended, then a clean checkpoint: what an operator's restart does. */
        FAST,
        /** Every process quits at once without a checkpoint; the next start recovers from the WAL, as after a crash. */
        IMMEDIATE
    }

    private final int port;
    private final Path dir;
    private final Path dataDir;
    private final Path logFile;
    private final boolean asRoot;

    private PostgresTestServer(int port, Path dir, boolean asRoot) {
        this.port = port;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("postgres.log");
        this.asRoot = asRoot;
    }

    /** Creates the cluster and starts it. */
    public static PostgresTestServer start() {
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        PostgresTestServer server;
        try {
            Path dir = Files.createTempDirectory("leadline-pg-");
            if (asRoot) {
                UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(OS_USER_WHEN_ROOT);
                Files.setOwner(dir, owner);
            }
            server = new PostgresTestServer(NatsTestServer.freePort(), dir, asRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            server.initdb();
            server.startServer();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void initdb() {
        run(List.of(BINARIES.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", TestDatabases.USER,
                "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));
        // loopback only, the socket in the cluster's own directory (not the shared server's), and no fsync:
        // the OS keeps what was written across a server crash, which is all these tests break
        String settings = "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = '" + dir + "'\n"
                + "fsync = off\n"
                + "full_page_writes = off\n"
                + "max_connections = 200\n"
                + "log_min_messages = warning\n";
        run(List.of("sh", "-c", "cat >> '" + dataDir.resolve("postgresql.conf") + "'"), settings);
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates {@code <prefix>_test_<random>} and returns its name. */
    public String createDatabase(String prefix) {
        String name = (prefix + "_test_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create " + name + " on port " + port, e);
        }
        return name;
    }

    /** A plain JDBC connection to {@code database}, as the test role. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), TestDatabases.USER, TestDatabases.PASSWORD);
    }

    /** Starts the stopped server on the same port and data, and returns once it accepts connections. */
    public void startServer() {
        run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile.toString(),
                "-w", "-t", String.valueOf(COMMAND_TIMEOUT.toSeconds()), "start"));
    }

    /** Stops the server in {@code mode} and returns once it is gone (its port refuses connections). */
    public void stop(Shutdown mode) {
        run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m",
                mode.name().toLowerCase(Locale.ROOT), "-w", "-t", String.valueOf(COMMAND_TIMEOUT.toSeconds()), "stop"));
    }

    public boolean isRunning() {
        return Files.exists(dataDir.resolve("postmaster.pid"));
    }

    /** The server's log, for a failure message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the server (immediately: its data is thrown away) and deletes its directory. */
    @Override
    public void close() {
        try {
            if (isRunning()) {
                stop(Shutdown.IMMEDIATE);
            }
        } finally {
            deleteDirectory();
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private void run(List<String> command) {
        run(command, null);
    }

    private void run(List<String> command, String input) {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.addAll(List.of("runuser", "-u", OS_USER_WHEN_ROOT, "--"));
        }
        full.addAll(command);
        Path output = dir.resolve("command.log");
        try {
            Process process = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " still runs after "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed (exit " + process.exitValue() + "):\n"
                        + Files.readString(output) + "\nserver log:\n" + logTail(30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL on 127.0.0.1:" + port + " (" + dataDir + ")";
    }
}
