package io.leadline.system;

import io.leadline.system.harness.ServiceProcess;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.TestDatabases;
import io.leadline.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged services in the prod profile (the default of {@code java -jar}) have no usable secret of
 * their own: a start without one fails naming the missing property, and a start with a value the dev
 * or test profile gives it (published with the code) fails naming the property, never the value.
 */
class ProductionSecretsIT {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(180);

    private static NatsTestServer nats;
    private static final List<String> databases = new ArrayList<>();

    @BeforeAll
    static void start() {
        nats = NatsTestServer.start();
    }

    @AfterAll
    static void stop() {
        if (nats != null) {
            nats.close();
        }
        databases.forEach(TestDatabases::drop);
    }

    @Test
    void leadsRefusesTheDevAdminPassword() {
        String log = failedStart(prod("leads-service", "dev-admin-password")
                .property("leadline.admin.password", "admin-dev-password"));
        assertThat(log).contains("leadline.admin.password has the value the dev and test profiles give it")
                .contains("LEADLINE_ADMIN_PASSWORD")
                .doesNotContain("admin-dev-password");
    }

    @Test
    void leadsRefusesToStartWithoutAnAdminPassword() {
        String log = failedStart(prod("leads-service", "no-admin-password").withoutProperty("leadline.admin.password"));
        assertThat(log).contains("leadline.admin.password");
    }

    @Test
    void paymentsRefusesTheDevStripeSecret() {
        String log = failedStart(prod("payments-service", "dev-stripe-secret")
                .property("leadline.payments.webhook.stripe-secret", "whsec_leadline_dev_only"));
        assertThat(log).contains("leadline.payments.webhook.stripe-secret has the value the dev and test profiles give it")
                .doesNotContain("whsec_leadline_dev_only");
    }

    @Test
    void paymentsRefusesToStartWithoutARazorpaySecret() {
        String log = failedStart(prod("payments-service", "no-razorpay-secret")
                .withoutProperty("leadline.payments.webhook.razorpay-secret"));
        assertThat(log).contains("leadline.payments.webhook.razorpay-secret");
    }

    @Test
    void notifyRefusesToGenerateJwtKeys() {
        String log = failedStart(prod("notify-service", "generate-keys")
                .property("leadline.jwt.generate-if-missing", "true"));
        assertThat(log).contains("leadline.jwt.generate-if-missing has the value the dev and test profiles give it");
    }

    @Test
    void notifyRefusesToStartWithoutItsPublicKey() throws IOException {
        Path emptyKeyDir = Files.createTempDirectory("leadline-no-keys-");
        String log = failedStart(prod("notify-service", "no-public-key")
                .property("leadline.jwt.key-dir", emptyKeyDir.toString()));
        Files.delete(emptyKeyDir);
        assertThat(log).contains("mp.jwt.verify.publickey.location: no readable key at "
                + emptyKeyDir.resolve("public.pem"));
    }

    /** A service with everything the system tests give it, in the prod profile, on its own fresh database. */
    private static ServiceProcess prod(String service, String label) {
        String database = TestDatabases.create("sys_secrets");
        databases.add(database);
        return new ServiceProcess(service, "ProductionSecretsIT-" + label, database,
                ServiceProcess.standardProperties(service, database, nats, TestTokens.keyDir(), "admin",
                        "admin-" + UUID.randomUUID()))
                .property("quarkus.profile", "prod");
    }

    /** Launches, expects the process to exit by itself with a failure, and returns its log. */
    private static String failedStart(ServiceProcess process) {
        try (process) {
            process.launch();
            int exit = process.awaitExit(EXIT_WAIT);
            String log = process.log();
            assertThat(exit).as("exit code; log:\n%s", log).isNotZero();
            return log;
        }
    }
}
