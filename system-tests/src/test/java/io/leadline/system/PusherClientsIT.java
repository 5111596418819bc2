package io.leadline.system;

import io.leadline.system.harness.NodeTests;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.ServiceControl;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.system.harness.WebhookSecrets;
import io.leadline.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

/**
 * The Pusher-protocol endpoint of notify-service ({@code /app/{key}}, {@code /broadcasting/auth} and the
 * Pusher HTTP API) against the real client libraries: {@code npm run test:pusher} in {@code clients/js},
 * which drives pusher-js, laravel-echo and the official {@code pusher} server library (and raw WebSockets
 * for what the libraries never send, such as forged signatures).
 *
 * <p>The platform runs with a Pusher app whose id, key and secret are generated for this run, and with a
 * second notify-service instance on the same NATS and database, for the cluster-wide presence and
 * delivery tests ({@code LEADLINE_NOTIFY_URL_2}). Each node test is one JUnit test here ({@link NodeTests}),
 * as in {@link ClientsIT}; the reconnect test may stop and start the first notify-service through
 * {@code LEADLINE_NOTIFY_STOP_CMD}/{@code LEADLINE_NOTIFY_START_CMD} ({@link ServiceControl}).
 */
class PusherClientsIT {

    private static final String SCRIPT = "test:pusher";
    /** Only against a hung process: the script normally ends by itself within minutes. */
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(20);

    private static final String APP_ID = String.valueOf(100_000 + new SecureRandom().nextInt(900_000));
    private static final String APP_KEY = "key-" + HexFormat.of().formatHex(randomBytes(10));
    private static final String APP_SECRET = HexFormat.of().formatHex(randomBytes(24));

    private static Platform platform;
    private static ServiceProcess second;
    private static ServiceControl control;
    private static NodeTests node;

    @BeforeAll
    static void start() throws IOException {
        node = NodeTests.forClients(SCRIPT_LIMIT);
        node.ensureNodeModules("ws", "pusher-js", "laravel-echo", "pusher");
        platform = Platform.start(PusherClientsIT.class, p -> pusherApp(p.notifyService()));
        second = new ServiceProcess("notify-service", "PusherClientsIT-2", platform.notifyService().database(),
                ServiceProcess.standardProperties("notify-service", platform.notifyService().database(), platform.nats(),
                        TestTokens.keyDir(), Platform.ADMIN_USERNAME, platform.adminPassword()));
        pusherApp(second);
        second.start();
        control = ServiceControl.start(platform.notifyService(), node.work(), "pusher-notify", "PusherClientsIT");
    }

    @AfterAll
    static void stop() {
        if (control != null) {
            control.close();
        }
        if (second != null) {
            second.kill();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> pusherClientTests() {
        return Stream.of(dynamicContainer("npm run " + SCRIPT, Stream.of(SCRIPT).flatMap(s -> node.run(s, environment()))));
    }

    private static void pusherApp(ServiceProcess notify) {
        notify.property("leadline.pusher.app-id", APP_ID);
        notify.property("leadline.pusher.app-key", APP_KEY);
        notify.property("leadline.pusher.app-secret", APP_SECRET);
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LEADLINE_NOTIFY_URL", platform.notifyService().baseUri().toString());
        env.put("LEADLINE_NOTIFY_URL_2", second.baseUri().toString());
        env.put("LEADLINE_LEADS_URL", platform.leads().baseUri().toString());
        env.put("LEADLINE_PAYMENTS_URL", platform.payments().baseUri().toString());
        env.put("LEADLINE_ADMIN_USERNAME", Platform.ADMIN_USERNAME);
        env.put("LEADLINE_ADMIN_PASSWORD", platform.adminPassword());
        env.put("LEADLINE_STRIPE_WEBHOOK_SECRET", WebhookSecrets.STRIPE);
        env.put("LEADLINE_RAZORPAY_WEBHOOK_SECRET", WebhookSecrets.RAZORPAY);
        env.put("LEADLINE_PUSHER_APP_ID", APP_ID);
        env.put("LEADLINE_PUSHER_APP_KEY", APP_KEY);
        env.put("LEADLINE_PUSHER_APP_SECRET", APP_SECRET);
        env.put("LEADLINE_NOTIFY_STOP_CMD", control.stopCommand());
        env.put("LEADLINE_NOTIFY_START_CMD", control.startCommand());
        return env;
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
