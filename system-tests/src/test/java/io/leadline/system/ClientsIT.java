package io.leadline.system;

import io.leadline.system.harness.MonitorBurst;
import io.leadline.system.harness.NodeTests;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.ServiceControl;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.system.harness.WebhookSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

/**
 * The JavaScript SDK's tests and the dashboards' browser tests ({@code clients/js}) against the packaged
 * services: {@code npm run test:unit}, {@code test:integration} and {@code test:browser}, one after the
 * other, with the platform's URLs and admin credentials in the environment.
 *
 * <p>Each node test becomes one JUnit test here (passed, failed, or skipped with node's reason), grouped
 * by script, so the Failsafe report, and the summary of {@code ./leadline test}, count what node
 * counted; a skipped {@code describe} counts as one skipped test. Node's output (spec reporter) goes to
 * the test log and to {@code system-tests/target/clients/<script>.log}; the per-test results come from
 * {@code src/test/node/results-reporter.mjs} ({@link NodeTests}). After each script one more test asserts
 * that node exited with 0, that nothing failed and that fewer tests were skipped than ran.
 *
 * <p>The restart test stops and starts notify-service through {@code LEADLINE_NOTIFY_STOP_CMD} and
 * {@code LEADLINE_NOTIFY_START_CMD}: two scripts that ask a control endpoint of this test
 * ({@link ServiceControl}: loopback, a free port) to {@link ServiceProcess#stop()} (SIGTERM) or
 * {@link ServiceProcess#start()} (the same command line and port; returns once ready) the platform's
 * notify-service, which this class keeps owning and closes at the end.
 *
 * <p>The monitor's burst test asks {@code LEADLINE_MONITOR_BURST_URL} ({@link MonitorBurst}: loopback, a
 * free port) to publish {@code payments.monitor} events on the platform's bus, as payments-service, at a
 * rate the real services do not reach on a small machine.
 *
 * <p>Needs Node 20+ with npm, {@code clients/js/node_modules} ({@code npm ci}, run here when missing) and
 * {@code /usr/bin/chromium} for the browser tests; {@code ./leadline test} installs them.
 */
class ClientsIT {

    private static final List<String> SCRIPTS = List.of("test:unit", "test:integration", "test:browser");
    /**
     * {@code -Dleadline.clients.files=browser-tests/a.test.js,test/unit/b.test.js} runs only those node test
     * files ({@code npm run test:files}) against the platform, instead of the three scripts: for working on
     * one page or one test without the others.
     */
    private static final String FILES = System.getProperty("leadline.clients.files", "").trim();
    /** Only against a hung process: each script normally ends by itself within minutes. */
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(30);

    private static Platform platform;
    private static ServiceControl control;
    private static MonitorBurst monitorBurst;
    private static NodeTests node;

    @BeforeAll
    static void start() throws IOException {
        node = NodeTests.forClients(SCRIPT_LIMIT);
        node.ensureNodeModules("ws", "playwright-core", "react", "react-dom", "happy-dom", "vite");
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
        control = ServiceControl.start(platform.notifyService(), node.work(), "notify", "ClientsIT");
        monitorBurst = MonitorBurst.start(platform.nats());
    }

    @AfterAll
    static void stop() {
        if (monitorBurst != null) {
            monitorBurst.close();
        }
        if (control != null) {
            control.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> sdkAndBrowserTests() {
        if (!FILES.isEmpty()) {
            List<String> files = List.of(FILES.split("\\s*,\\s*"));
            return Stream.of(dynamicContainer("npm run test:files " + FILES,
                    Stream.of(files).flatMap(f -> node.run("test:files", f, environment()))));
        }
        // each container's stream is consumed when JUnit runs it: the scripts run one after the other
        return SCRIPTS.stream().map(script -> dynamicContainer("npm run " + script,
                Stream.of(script).flatMap(s -> node.run(s, environment()))));
    }

    private static String origin(String host, ServiceProcess service) {
        return "http://" + host + ":" + service.port();
    }

    private static Map<String, String> environment() {
        String notify = platform.notifyService().baseUri().toString();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LEADLINE_NOTIFY_URL", notify);
        env.put("LEADLINE_LEADS_URL", platform.leads().baseUri().toString());
        env.put("LEADLINE_PAYMENTS_URL", platform.payments().baseUri().toString());
        env.put("LEADLINE_ADMIN_USERNAME", Platform.ADMIN_USERNAME);
        env.put("LEADLINE_ADMIN_PASSWORD", platform.adminPassword());
        env.put("LEADLINE_STRIPE_WEBHOOK_SECRET", WebhookSecrets.STRIPE);
        env.put("LEADLINE_RAZORPAY_WEBHOOK_SECRET", WebhookSecrets.RAZORPAY);
        env.put("LEADLINE_DASHBOARD_URL", notify);
        env.put("LEADLINE_NOTIFY_STOP_CMD", control.stopCommand());
        env.put("LEADLINE_NOTIFY_START_CMD", control.startCommand());
        env.put("LEADLINE_MONITOR_BURST_URL", monitorBurst.url());
        return env;
    }
}
