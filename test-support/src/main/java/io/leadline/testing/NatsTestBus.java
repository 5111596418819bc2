package io.leadline.testing;

import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.nats.security.NatsSetup;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The platform's bus in a test, one server ({@link NatsTestServer}) or a JetStream cluster
 * ({@link NatsTestCluster}): the production permission model ({@link NatsIdentity}: one user per service,
 * no anonymous access, passwords in owner-only files), the stream and buckets provisioned as in a
 * deployment, and connections as any identity. Services are given {@link #clientProperties}.
 */
public abstract class NatsTestBus implements AutoCloseable {

    /**
     * The time-outs of test clients: connecting, JetStream API calls, and requests and async publishes
     * without a time-out of their own. The client library's defaults (2 s and 5 s) are too short for a
     * machine under load; a generous bound costs nothing when things are fast.
     */
    public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path configDir;
    private final Map<NatsIdentity, Connection> connections = new EnumMap<>(NatsIdentity.class);

    /** @param dir this bus's own directory (configuration, passwords, stores, logs), deleted on close */
    protected NatsTestBus(Path dir) {
        this.dir = dir;
        this.configDir = dir.resolve("conf");
    }

    /** The URL a client is given: one server, or every node's, comma-separated. */
    public abstract String url();

    /** The stream's limits as provisioned (replicas included). */
    protected abstract StreamLimits limits();

    /** Kills every server process. */
    protected abstract void stopServers();

    protected Path dir() {
        return dir;
    }

    protected Path configDir() {
        return configDir;
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
     * A connection as {@code identity}, shared by the callers and closed with the bus: tests publish
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
        return Options.builder().servers(url().split(",")).connectionName("test-" + identity.user())
                .userInfo(identity.user(), NatsSetup.readPassword(passwordFile(identity)))
                .inboxPrefix(identity.inboxPrefix()).maxReconnects(-1)
                .connectionTimeout(CLIENT_TIMEOUT)
                .requestCleanupInterval(CLIENT_TIMEOUT);
    }

    /** Creates (or updates) the stream and the buckets as the provisioning identity. */
    public void provision() {
        try {
            NatsSetup.provision(url(), NatsSetup.readPassword(passwordFile(NatsIdentity.PROVISIONER)),
                    Optional.empty(), limits());
        } catch (Exception e) {
            throw new IllegalStateException("cannot provision the test NATS bus: " + e.getMessage(), e);
        }
    }

    /**
     * Closes the shared connections; the next {@link #connection} opens new ones. A connection that lived
     * through a server without JetStream can get no JetStream answers for minutes once JetStream is back
     * (notify's router forces a reconnect for the same reason), so a test that takes JetStream away hands
     * the tests after it fresh connections.
     */
    public synchronized void closeSharedConnections() {
        connections.values().forEach(connection -> {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        connections.clear();
    }

    @Override
    public void close() {
        closeSharedConnections();
        stopServers();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
