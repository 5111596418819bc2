package io.leadline.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.system.harness.WebhookSecrets;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The JavaScript SDK's tests and the dashboards' browser tests ({@code clients/js}) against the packaged
 * services: {@code npm run test:unit}, {@code test:integration} and {@code test:browser}, one after the
 * other, with the platform's URLs and admin credentials in the environment.
 *
 * <p>Each node test becomes one JUnit test here (passed, failed, or skipped with node's reason), grouped
 * by script, so the Failsafe report, and the summary of {@code ./leadline test}, count what node
 * counted; a skipped {@code describe} counts as one skipped test. Node's output (spec reporter) goes to
 * the test log and to {@code system-tests/target/clients/<script>.log}; the per-test results come from
 * {@code src/test/node/results-reporter.mjs}. After each script one more test asserts that node exited
 * with 0, that nothing failed and that fewer tests were skipped than ran.
 *
 * <p>The restart test stops and starts notify-service through {@code LEADLINE_NOTIFY_STOP_CMD} and
 * {@code LEADLINE_NOTIFY_START_CMD}: two scripts that ask a control endpoint of this test (loopback, a
 * free port) to {@link ServiceProcess#stop()} (SIGTERM) or {@link ServiceProcess#start()} (the same
 * command line and port; returns once ready) the platform's notify-service, which this class keeps
 * owning and closes at the end.
 *
 * <p>Needs Node 20+ with npm, {@code clients/js/node_modules} ({@code npm ci}, run here when missing) and
 * {@code /usr/bin/chromium} for the browser tests; {@code ./leadline test} installs them.
 */
class ClientsIT {

    private static final Logger LOG = Logger.getLogger(ClientsIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SCRIPTS = List.of("test:unit", "test:integration", "test:browser");
    /** Only against a hung process: each script normally ends by itself within minutes. */
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(30);

    private static Platform platform;
    private static HttpServer control;
    private static Path clients;
    private static Path work;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        clients = Platform.root().resolve("clients").resolve("js");
        work = Platform.targetDir().resolve("clients");
        Files.createDirectories(work);
        ensureNodeModules();
        platform = Platform.start(ClientsIT.class, p -> {
            // the dashboards are served by notify-service and call the other two from its origin
            String origins = String.join(",", origin("127.0.0.1", p.notifyService()), origin("localhost", p.notifyService()));
            p.leads().property("quarkus.http.cors.origins", origins);
            p.payments().property("quarkus.http.cors.origins", origins);
            p.notifyService().property("leadline.gateway.allowed-origins", origins);
            // where the dashboards' /config.json (and their Content-Security-Policy) send the browser
            p.notifyService().property("leadline.dashboard.leads-url", p.leads().baseUri().toString());
            p.notifyService().property("leadline.dashboard.payments-url", p.payments().baseUri().toString());
        });
        control = startControl();
    }

    @AfterAll
    static void stop() {
        if (control != null) {
            control.stop(0);
        }
        if (platform != null) {
            platform.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> sdkAndBrowserTests() {
        // each container's stream is consumed when JUnit runs it: the scripts run one after the other
        return SCRIPTS.stream().map(script -> dynamicContainer("npm run " + script,
                Stream.of(script).flatMap(ClientsIT::run)));
    }

    private static String origin(String host, ServiceProcess service) {
        return "http://" + host + ":" + service.port();
    }

    // --- node ---------------------------------------------------------------------------------------------

    /** Results of one node test, as results-reporter.mjs writes them. */
    record NodeTest(String file, String name, String status, String reason, String error) {
    }

    private static Stream<DynamicNode> run(String script) {
        String slug = script.replace(':', '-');
        Path results = work.resolve(slug + ".jsonl");
        Path log = work.resolve(slug + ".log");
        int exit;
        try {
            Files.deleteIfExists(results);
            exit = npm(List.of("npm", "run", "--silent", script), environment(results), log, script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm run " + script + " in " + clients, e);
        }
        List<NodeTest> tests = new ArrayList<>();
        JsonNode summary = JSON.createObjectNode();
        if (Files.isRegularFile(results)) {
            for (String line : readLines(results)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = readJson(line);
                if (node.has("summary")) {
                    summary = node.get("summary");
                } else {
                    tests.add(new NodeTest(node.path("file").asText(), node.path("name").asText(),
                            node.path("status").asText(), text(node, "reason"), text(node, "error")));
                }
            }
        }
        long passed = tests.stream().filter(t -> t.status().equals("passed")).count();
        long failed = tests.stream().filter(t -> t.status().equals("failed")).count();
        long skipped = tests.stream().filter(t -> t.status().equals("skipped")).count();
        LOG.infof("npm run %s: exit %d; %d tests: %d passed, %d failed, %d skipped (node's summary: %s)", script, exit,
                tests.size(), passed, failed, skipped, summary);
        tests.stream().filter(t -> t.status().equals("skipped"))
                .forEach(t -> LOG.infof("  skipped: %s › %s: %s", relative(t.file()), t.name(), t.reason()));

        // no test source URI: Failsafe leaves tests with a file source out of the class's report
        List<DynamicNode> nodes = new ArrayList<>();
        for (NodeTest test : tests) {
            nodes.add(dynamicTest(relative(test.file()) + " › " + test.name(), () -> outcome(test)));
        }
        JsonNode nodeSummary = summary;
        int exitCode = exit;
        nodes.add(dynamicTest("npm run " + script + " exits with 0, nothing failed, fewer skipped than run", () -> {
            String context = "npm run " + script + " (output in " + log + ", results in " + results + ")";
            assertThat(Files.isRegularFile(results)).as(context + ": the results file was written").isTrue();
            assertThat(exitCode).as(context + ": exit code").isZero();
            assertThat(failed).as(context + ": failed tests").isZero();
            assertThat(nodeSummary.path("fail").asInt(-1)).as(context + ": node's fail count").isZero();
            assertThat(nodeSummary.path("cancelled").asInt(0)).as(context + ": node's cancelled count").isZero();
            assertThat(tests).as(context + ": tests reported").isNotEmpty();
            assertThat(skipped).as(context + ": skipped tests, of " + tests.size()).isLessThan(tests.size());
        }));
        return nodes.stream();
    }

    private static void outcome(NodeTest test) {
        switch (test.status()) {
            case "passed" -> {
            }
            case "skipped" -> throw new TestAbortedException(test.reason() == null ? "skipped by node" : test.reason());
            default -> throw new AssertionFailedError(relative(test.file()) + " › " + test.name() + " failed in node:\n"
                    + (test.error() == null ? "(no error reported)" : test.error()));
        }
    }

    private static Map<String, String> environment(Path results) {
        String notify = platform.notifyService().baseUri().toString();
        Path reporter = Platform.root().resolve("system-tests/src/test/node/results-reporter.mjs");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LEADLINE_NOTIFY_URL", notify);
        env.put("LEADLINE_LEADS_URL", platform.leads().baseUri().toString());
        env.put("LEADLINE_PAYMENTS_URL", platform.payments().baseUri().toString());
        env.put("LEADLINE_ADMIN_USERNAME", Platform.ADMIN_USERNAME);
        env.put("LEADLINE_ADMIN_PASSWORD", platform.adminPassword());
        env.put("LEADLINE_STRIPE_WEBHOOK_SECRET", WebhookSecrets.STRIPE);
        env.put("LEADLINE_RAZORPAY_WEBHOOK_SECRET", WebhookSecrets.RAZORPAY);
        env.put("LEADLINE_DASHBOARD_URL", notify);
        env.put("LEADLINE_NOTIFY_STOP_CMD", quote(work.resolve("notify-stop.sh").toString()));
        env.put("LEADLINE_NOTIFY_START_CMD", quote(work.resolve("notify-start.sh").toString()));
        // node's spec output for people (stdout, into the log) and one JSON line per test for run()
        env.put("NODE_OPTIONS", "--test-reporter=spec --test-reporter-destination=stdout"
                + " --test-reporter=\"" + reporter + "\" --test-reporter-destination=\"" + results + "\"");
        return env;
    }

    /** Runs a command in clients/js, its output line by line into the log and the file; returns the exit code. */
    private static int npm(List<String> command, Map<String, String> extraEnv, Path logFile, String label)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(clients.toFile()).redirectErrorStream(true);
        // whatever the shell that started Maven had must not redirect the tests elsewhere
        builder.environment().keySet().removeIf(name -> name.startsWith("LEADLINE_") || name.equals("NODE_OPTIONS"));
        builder.environment().putAll(extraEnv);
        LOG.infof("== %s (in %s)", String.join(" ", command), clients);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + command.get(0) + ": Node.js 20+ with npm must be installed", e);
        }
        try (Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
                BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(SCRIPT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOG.errorf("%s still running after %s: stopping it", label, SCRIPT_LIMIT);
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "node-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            String line;
            while ((line = in.readLine()) != null) {
                LOG.info("[" + label + "] " + line);
                out.write(line);
                out.write('\n');
                out.flush();
            }
            int exit = process.waitFor();
            watchdog.interrupt();
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + label, e);
        }
    }

    private static void ensureNodeModules() throws IOException, InterruptedException {
        if (Files.isDirectory(clients.resolve("node_modules/ws")) && Files.isDirectory(clients.resolve("node_modules/playwright-core"))) {
            return;
        }
        int exit = npm(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), work.resolve("npm-ci.log"), "npm ci");
        assertThat(exit).as("npm ci in " + clients + " (log " + work.resolve("npm-ci.log") + ")").isZero();
    }

    // --- notify-service control for the restart test --------------------------------------------------------

    private static HttpServer startControl() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor()); // one request at a time
        ServiceProcess notify = platform.notifyService();
        server.createContext("/notify/stop", exchange -> control(exchange, "stop", () -> {
            notify.stop();
            return notify + " stopped";
        }));
        server.createContext("/notify/start", exchange -> control(exchange, "start", () -> {
            if (!notify.isAlive()) {
                notify.start();
            }
            return notify + " ready";
        }));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        writeScript(work.resolve("notify-stop.sh"), base + "/notify/stop", "stops notify-service (SIGTERM) and returns once it exited");
        writeScript(work.resolve("notify-start.sh"), base + "/notify/start", "starts notify-service again (same command, same port) and returns once ready");
        LOG.infof("notify-service control on %s", base);
        return server;
    }

    private interface Action {
        String run();
    }

    private static void control(HttpExchange exchange, String name, Action action) throws IOException {
        int status;
        String body;
        if (!exchange.getRequestMethod().equals("POST")) {
            status = 405;
            body = "POST only";
        } else {
            LOG.infof("control: %s notify-service (asked by the node tests)", name);
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
    private static void writeScript(Path file, String url, String what) throws IOException {
        String script = """
                #!/bin/sh
                # Written by ClientsIT: %s.
                exec env -u NODE_OPTIONS node -e '
                  fetch(process.argv[1], { method: "POST" }).then(async (r) => {
                    process.stdout.write(await r.text());
                    process.exit(r.ok ? 0 : 1);
                  }, (e) => { console.error(e); process.exit(1); });
                ' '%s'
                """.formatted(what, url);
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // --- small helpers ------------------------------------------------------------------------------------

    private static String relative(String file) {
        try {
            return clients.relativize(Path.of(file)).toString();
        } catch (IllegalArgumentException e) {
            return file;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String quote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a results line: " + line, e);
        }
    }
}
