package io.leadline.system.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.DynamicNode;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Runs npm scripts of {@code clients/js} whose node tests report through
 * {@code system-tests/src/test/node/results-reporter.mjs}, and turns each node test into one JUnit dynamic
 * test (passed, failed, or skipped with node's reason), so the Failsafe report counts what node counted; a
 * skipped {@code describe} counts as one skipped test. After each script one more test asserts that node
 * exited with 0, that nothing failed and that fewer tests were skipped than ran.
 *
 * <p>Node's output (spec reporter) goes to the test log and to {@code <work>/<script>.log}; the per-test
 * results to {@code <work>/<script>.jsonl}. The environment of the scripts is the one given to
 * {@link #run(String, Map)} plus the reporters' {@code NODE_OPTIONS}: whatever {@code LEADLINE_*} and
 * {@code NODE_OPTIONS} the shell that started Maven had are removed, so they cannot redirect the tests.
 */
public final class NodeTests {

    private static final Logger LOG = Logger.getLogger(NodeTests.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path clients;
    private final Path work;
    private final Duration scriptLimit;

    /** Results of one node test, as results-reporter.mjs writes them. */
    public record NodeTest(String file, String name, String status, String reason, String error) {
    }

    /**
     * @param clients     the npm project ({@code clients/js})
     * @param work        where logs and results go (created when missing)
     * @param scriptLimit only against a hung process: a script still running after it is stopped
     */
    public NodeTests(Path clients, Path work, Duration scriptLimit) throws IOException {
        this.clients = clients;
        this.work = work;
        this.scriptLimit = scriptLimit;
        Files.createDirectories(work);
    }

    /** {@code clients/js} of this repository, logs under {@code system-tests/target/clients}. */
    public static NodeTests forClients(Duration scriptLimit) throws IOException {
        return new NodeTests(Platform.root().resolve("clients").resolve("js"), Platform.targetDir().resolve("clients"),
                scriptLimit);
    }

    public Path clients() {
        return clients;
    }

    public Path work() {
        return work;
    }

    /** Runs {@code npm ci} unless every one of the given packages is in node_modules already. */
    public void ensureNodeModules(String... packages) throws IOException {
        boolean present = true;
        for (String name : packages) {
            present &= Files.isDirectory(clients.resolve("node_modules").resolve(name));
        }
        if (present) {
            return;
        }
        Path log = work.resolve("npm-ci.log");
        int exit = npm(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), log, "npm ci");
        assertThat(exit).as("npm ci in " + clients + " (log " + log + ")").isZero();
    }

    /**
     * Runs {@code npm run <script>} now with {@code environment} (plus the reporters) and returns one
     * dynamic test per node test and the final exit-code test.
     */
    public Stream<DynamicNode> run(String script, Map<String, String> environment) {
        return run(script, List.of(), environment);
    }

    /** As {@link #run(String, Map)}, with arguments after {@code --} (the test files of {@code test:files}). */
    public Stream<DynamicNode> run(String script, List<String> arguments, Map<String, String> environment) {
        String slug = script.replace(':', '-');
        Path results = work.resolve(slug + ".jsonl");
        Path log = work.resolve(slug + ".log");
        int exit;
        try {
            Files.deleteIfExists(results);
            Map<String, String> env = new LinkedHashMap<>(environment);
            env.put("NODE_OPTIONS", reporters(results));
            List<String> command = new ArrayList<>(List.of("npm", "run", "--silent", script));
            if (!arguments.isEmpty()) {
                command.add("--");
                command.addAll(arguments);
            }
            exit = npm(command, env, log, script);
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

    /** Node's spec output for people (stdout, into the log) and one JSON line per test for {@link #run}. */
    private static String reporters(Path results) {
        Path reporter = Platform.root().resolve("system-tests/src/test/node/results-reporter.mjs");
        return "--test-reporter=spec --test-reporter-destination=stdout"
                + " --test-reporter=\"" + reporter + "\" --test-reporter-destination=\"" + results + "\"";
    }

    private void outcome(NodeTest test) {
        switch (test.status()) {
            case "passed" -> {
            }
            case "skipped" -> throw new TestAbortedException(test.reason() == null ? "skipped by node" : test.reason());
            default -> throw new AssertionFailedError(relative(test.file()) + " › " + test.name() + " failed in node:\n"
                    + (test.error() == null ? "(no error reported)" : test.error()));
        }
    }

    /** Runs a command in clients/js, its output line by line into the log and the file; returns the exit code. */
    private int npm(List<String> command, Map<String, String> extraEnv, Path logFile, String label) throws IOException {
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
                    if (!process.waitFor(scriptLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOG.errorf("%s still running after %s: stopping it", label, scriptLimit);
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

    /** A path in single quotes for a shell command ({@code LEADLINE_NOTIFY_STOP_CMD}). */
    public static String quote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }

    private String relative(String file) {
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
