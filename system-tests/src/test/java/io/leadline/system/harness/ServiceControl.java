package io.leadline.system.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;

/**
 * Lets tests in another process (node) stop and start one {@link ServiceProcess}: a control endpoint on
 * loopback (a free port) and two shell scripts that ask it to {@link ServiceProcess#stop()} (SIGTERM) or
 * {@link ServiceProcess#start()} (the same command line and port; returns once ready) the service, which the
 * test keeps owning and closes at the end. The scripts' paths go into {@code LEADLINE_NOTIFY_STOP_CMD} and
 * {@code LEADLINE_NOTIFY_START_CMD} ({@link #stopCommand()}, {@link #startCommand()}).
 */
public final class ServiceControl implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServiceControl.class);

    private final HttpServer server;
    private final Path stopScript;
    private final Path startScript;

    private ServiceControl(HttpServer server, Path stopScript, Path startScript) {
        this.server = server;
        this.stopScript = stopScript;
        this.startScript = startScript;
    }

    /**
     * Starts the control endpoint for {@code service} and writes {@code <prefix>-stop.sh} and
     * {@code <prefix>-start.sh} into {@code dir}; {@code owner} names the test in the scripts.
     */
    public static ServiceControl start(ServiceProcess service, Path dir, String prefix, String owner) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor()); // one request at a time
        String name = service.name();
        server.createContext("/" + prefix + "/stop", exchange -> control(exchange, "stop", name, () -> {
            service.stop();
            return service + " stopped";
        }));
        server.createContext("/" + prefix + "/start", exchange -> control(exchange, "start", name, () -> {
            if (!service.isAlive()) {
                service.start();
            }
            return service + " ready";
        }));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Path stop = dir.resolve(prefix + "-stop.sh");
        Path start = dir.resolve(prefix + "-start.sh");
        writeScript(stop, base + "/" + prefix + "/stop", owner,
                "stops " + name + " (SIGTERM) and returns once it exited");
        writeScript(start, base + "/" + prefix + "/start", owner,
                "starts " + name + " again (same command, same port) and returns once ready");
        LOG.infof("%s control on %s", name, base);
        return new ServiceControl(server, stop, start);
    }

    /** The shell command that stops the service (a quoted script path). */
    public String stopCommand() {
        return NodeTests.quote(stopScript.toString());
    }

    /** The shell command that starts the service again and returns once it is ready. */
    public String startCommand() {
        return NodeTests.quote(startScript.toString());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private interface Action {
        String run();
    }

    private static void control(HttpExchange exchange, String name, String service, Action action) throws IOException {
        int status;
        String body;
        if (!exchange.getRequestMethod().equals("POST")) {
            status = 405;
            body = "POST only";
        } else {
            LOG.infof("control: %s %s (asked by the node tests)", name, service);
            try {
                body = action.run();
                status = 200;
            } catch (RuntimeException e) {
                LOG.errorf(e, "control: %s failed", name);
                status = 500;
                body = name + " failed: " + e.getMessage();
            }
        }
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A shell script for the node tests: POSTs to the control endpoint with node's fetch, fails unless 2xx. */
    private static void writeScript(Path file, String url, String owner, String what) throws IOException {
        String script = """
                #!/bin/sh
                # Written by %s: %s.
                exec env -u NODE_OPTIONS node -e '
                  fetch(process.argv[1], { method: "POST" }).then(async (r) => {
                    process.stdout.write(await r.text());
                    process.exit(r.ok ? 0 : 1);
                  }, (e) => { console.error(e); process.exit(1); });
                ' '%s'
                """.formatted(owner, what, url);
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
