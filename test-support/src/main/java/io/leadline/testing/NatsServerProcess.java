package io.leadline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code nats-server} process of a test, on a configuration written beforehand: started, awaited
 * until it greets, frozen, killed and started again on the same port and store. {@link NatsTestServer}
 * runs one, {@link NatsTestCluster} three.
 */
final class NatsServerProcess {

    /** How long a start waits for the server to answer; a loaded machine may take many seconds. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a stop waits for the killed process to be gone (its port and store free again). */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path configFile;
    private final Path logFile;
    private Process process;

    NatsServerProcess(int port, Path configFile, Path logFile) {
        this.port = port;
        this.configFile = configFile;
        this.logFile = logFile;
    }

    int port() {
        return port;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the process without waiting for it (the nodes of a cluster start together). */
    void launch() {
        launch(configFile);
    }

    /** Like {@link #launch()} on another configuration of the same port (a test's variant of the server). */
    void launch(Path config) {
        if (isRunning()) {
            throw new IllegalStateException("nats-server is still running on port " + port);
        }
        List<String> command = List.of(NatsTestServer.BINARY, "-c", config.toString(), "-l", logFile.toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + NatsTestServer.BINARY, e);
        }
    }

    /** Waits until the server greets a client (its INFO line). */
    void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
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

    /** SIGKILL, and waits until the process is gone, so that its port and store are free again. */
    void kill() {
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

    void pause() {
        signal("STOP");
    }

    void resume() {
        signal("CONT");
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

    String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }
}
