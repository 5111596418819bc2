package io.leadline.testing;

import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.nats.security.NatsSetup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private {@code nats-server -js} on a free loopback port with its own store, so a test owns its
 * stream and can break the server (pause, kill, restart) without touching anyone else. It runs with the
 * production permission model ({@link NatsIdentity}: one user per service, no anonymous access), and
 * the stream and bucket are provisioned as they are in a deployment.
 */
public final class NatsTestServer extends NatsTestBus {

    public static final String BINARY = System.getProperty("leadline.test.nats-server",
            TestDatabases.env("LEADLINE_TEST_NATS_SERVER", "/usr/sbin/nats-server"));

    private final NatsServerProcess server;
    private final Path configFile;

    private NatsTestServer(int port, Path dir) {
        super(dir);
        this.configFile = NatsSetup.writeServerConfig(configDir(), "127.0.0.1", port, dir.resolve("store"),
                StreamLimits.DEFAULTS.name());
        this.server = new NatsServerProcess(port, configFile, dir.resolve("nats-server.log"));
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

    @Override
    public String url() {
        return server.url();
    }

    @Override
    protected StreamLimits limits() {
        return StreamLimits.DEFAULTS;
    }

    public int port() {
        return server.port();
    }

    public long pid() {
        return server.pid();
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing is answered. */
    public void pause() {
        server.pause();
    }

    public void resume() {
        server.resume();
    }

    /** Kills and starts the server again on the same port and store. */
    public void restart() {
        server.kill();
        launch();
    }

    /**
     * Kills the server and starts it again on the same port, users and store, but with JetStream off: core
     * NATS answers, every JetStream API request gets no responder. {@link #restart()} brings JetStream back.
     */
    public void restartWithoutJetStream() {
        server.kill();
        try {
            String config = Files.readString(configFile)
                    .replaceFirst("(?s)jetstream \\{[^}]*\\}\n", "")
                    .replace("jetstream: enabled\n", "");
            if (config.contains("jetstream")) {
                throw new IllegalStateException("JetStream still configured in " + configFile);
            }
            Path withoutJetStream = configDir().resolve("nats-without-jetstream.conf");
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
        server.kill();
    }

    /** Starts a killed server again on the same port and store, and waits until it answers. */
    public void startAgain() {
        launch();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    protected void stopServers() {
        server.kill();
    }

    private void launch() {
        launch(configFile);
    }

    private void launch(Path config) {
        server.launch(config);
        server.awaitReady();
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
