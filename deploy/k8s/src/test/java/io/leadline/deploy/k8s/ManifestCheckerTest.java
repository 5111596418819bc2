package io.leadline.deploy.k8s;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlays as committed are consistent with themselves and with the services' configuration. */
class ManifestCheckerTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayHasNoProblems(String overlay) {
        assertThat(ManifestChecker.check(Overlays.load(overlay), Overlays.serviceConfigs())).isEmpty();
    }
}
