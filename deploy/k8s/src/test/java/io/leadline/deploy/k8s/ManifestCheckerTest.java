package io.leadline.deploy.k8s;

import io.leadline.shared.security.PublishedDevValues.Guarded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The overlays as committed are consistent with themselves and with the services' configuration. */
class ManifestCheckerTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayHasNoProblems(String overlay) {
        assertThat(ManifestChecker.check(Overlays.load(overlay), Overlays.serviceConfigs())).isEmpty();
    }

    /** What the checker refuses is read from each application.properties as DevValueGuard reads it, not listed here. */
    @Test
    void theRefusedValuesAreThoseTheServicesDevAndTestProfilesPublish() {
        Map<String, ServiceConfig> services = Overlays.serviceConfigs();
        assertThat(services.get("leads-service").devOnly()).extracting(Guarded::property, Guarded::values, Guarded::variables)
                .containsExactly(
                        tuple("leadline.admin.password", Set.of("admin-dev-password"), List.of("LEADLINE_ADMIN_PASSWORD")),
                        tuple("leadline.jwt.generate-if-missing", Set.of("true"),
                                List.of("LEADLINE_JWT_GENERATE", "LEADLINE_JWT_GENERATE_IF_MISSING")));
        assertThat(services.get("payments-service").devOnly()).extracting(Guarded::property, Guarded::values)
                .containsExactly(
                        tuple("leadline.payments.webhook.stripe-secret", Set.of("whsec_leadline_dev_only")),
                        tuple("leadline.payments.webhook.razorpay-secret", Set.of("razorpay_leadline_dev_only")),
                        tuple("leadline.jwt.generate-if-missing", Set.of("true")));
        // notify-service: the Pusher app secret (docs/pusher.md) and the JWT key generation
        assertThat(services.get("notify-service").devOnly()).extracting(Guarded::property)
                .containsExactly("leadline.pusher.app-secret", "leadline.jwt.generate-if-missing");
    }
}
