package io.leadline.testing;

import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.nats.security.NatsSetup;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private {@code nats-server -js} on a free loopback port with its own store, so a test owns its
 * stream and can break the server (pause, kill, restart) without touching anyone else. It runs with the
 * production permission model ({@link NatsIdentity}: one user per service, no anonymous access), and
 * the stream and bucket are provisioned as they are in a deployment.
 */
public final class NatsTestServer implements AutoCloseable {

    public static final String BINARY = System.getProperty("leadline.test.nats-server",
            TestDatabases.env("LEADLINE_TEST_NATS_SERVER", "/usr/sbin/nats-server"));

    /** How long a start waits for the server to answer; a loaded machine may take many seconds. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a stop waits for the killed process to be gone (its port and store free again). */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The time-outs of test clients: connecting, JetStream API calls, and requests and async publishes
     * without a time-out of their own. The client library's defaults (2 s and 5 s) are too short for a
     * machine under load; a generous bound costs nothing when things are fast.
     */
    public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private final Path configDir;
    private final Path configFile;
    private final Map<NatsIdentity, Connection> connections = new EnumMap<>(NatsIdentity.class);
    private Process process;

    private NatsTestServer(int port, Path dir) {
        this.port = port;
        this.storeDir = dir.resolve("store");
        this.logFile = dir.resolve("nats-server.log");
        this.configDir = dir.resolve("conf");
        this.configFile = NatsSetup.writeServerConfig(configDir, "127.0.0.1", port, storeDir,
                StreamLimits.DEFAULTS.name());
    }

    /** Starts the server and provisions the stream and the bucket. */
    public static NatsTestServer start() {
        try {
            NatsTestServer server = new NatsTestServer(freePort(), Files.createTempDirectory("leadline-nats-"));
            server.launch();
            server.provision();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** The password file of one identity (owner-only, as `./leadline up` writes them). */
    public Path passwordFile(NatsIdentity identity) {
        return NatsSetup.passwordFile(configDir, identity);
    }

    /** The configuration a service connects with, as {@code leadline.nats.*} properties. */
    public Map<String, String> clientProperties(NatsIdentity identity) {
        return Map.of("leadline.nats.url", url(),
                "leadline.nats.username", identity.user(),
                "leadline.nats.password-file", passwordFile(identity).toString());
    }

    /**
     * A connection as {@code identity}, shared by the callers and closed with the server: tests publish
     * events as the service that owns them, and watch channels as notify-service does.
     */
    public synchronized Connection connection(NatsIdentity identity) {
        Connection connection = connections.get(identity);
        if (connection == null || connection.getStatus() == Connection.Status.CLOSED) {
            connection = connect(identity);
            connections.put(identity, connection);
        }
        return connection;
    }

    /** A new connection as {@code identity}; the caller closes it. */
    public Connection connect(NatsIdentity identity) {
        try {
            return Nats.connect(clientOptions(identity).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Client options for tests as {@code identity}: {@link #CLIENT_TIMEOUT} to connect, for JetStream API
     * calls (they default to the connection time-out) and for requests and publish acknowledgements
     * without a time-out of their own (they default to the request clean-up interval).
     */
    public Options.Builder clientOptions(NatsIdentity identity) {
        return Options.builder().server(url()).connectionName("test-" + identity.user())
                .userInfo(identity.user(), NatsSetup.readPassword(passwordFile(identity)))
                .inboxPrefix(identity.inboxPrefix()).maxReconnects(-1)
                .connectionTimeout(CLIENT_TIMEOUT)
                .requestCleanupInterval(CLIENT_TIMEOUT);
    }

    /** Creates (or updates) the stream and the bucket as the provisioning identity. */
    public void provision() {
        try {
            NatsSetup.provision(url(), NatsSetup.readPassword(passwordFile(NatsIdentity.PROVISIONER)),
                    java.util.Optional.empty(), StreamLimits.DEFAULTS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot provision the test NATS server: " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing is answered. */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    /** Kills and starts the server again on the same port and store. */
    public void restart() {
        stopProcess();
        launch();
    }

    /**
     * Kills the server and starts it again on the same port, users and store, but with JetStream off: core
     * NATS answers, every JetStream API request gets no responder. {@link #restart()} brings JetStream back.
     */
    public void restartWithoutJetStream() {
        stopProcess();
        try {
            String config = Files.readString(configFile)
                    .replaceFirst("(?s)jetstream \\{[^}]*\\}\n", "")
                    .replace("jetstream: enabled\n", "");
            if (config.contains("jetstream")) {
                throw new IllegalStateException("JetStream still configured in " + configFile);
            }
            Path withoutJetStream = configDir.resolve("nats-without-jetstream.conf");
            Files.deleteIfExists(withoutJetStream);
            Files.createFile(withoutJetStream, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(withoutJetStream, config);
            launch(withoutJetStream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the server (SIGKILL) and leaves it down until {@link #startAgain()}; its store is kept. */
    public void kill() {
        stopProcess();
    }

    /** Starts a killed server again on the same port and store, and waits until it answers. */
    public void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("nats-server is still running on port " + port);
        }
        launch();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        synchronized (this) {
            connections.values().forEach(connection -> {
                try {
                    connection.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            connections.clear();
        }
        stopProcess();
        try (Stream<Path> files = Files.walk(storeDir.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private void launch() {
        launch(configFile);
    }

    private void launch(Path config) {
        List<String> command = new ArrayList<>(List.of(BINARY, "-c", config.toString(), "-l", logFile.toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY, e);
        }
        awaitReady(START_TIMEOUT);
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited: " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(5_000); // a server that accepts but does not greet yet is asked again
                InputStream in = socket.getInputStream();
                byte[] info = new byte[4];
                if (in.readNBytes(info, 0, 4) == 4 && "INFO".equals(new String(info, StandardCharsets.US_ASCII))) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("nats-server did not start on port " + port + ": " + log());
    }

    private void stopProcess() {
        if (process != null && process.isAlive()) {
            resume();
            process.destroyForcibly();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("nats-server (pid " + process.pid() + ") still running "
                            + STOP_TIMEOUT.toSeconds() + " s after SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void signal(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
