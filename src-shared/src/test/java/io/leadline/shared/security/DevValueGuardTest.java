package io.leadline.shared.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DevValueGuardTest {

    /** An application.properties as the services write it. */
    private static final ConfigSource APPLICATION_PROPERTIES = new PropertiesConfigSource(Map.of(
            "leadline.admin.password", "${LEADLINE_ADMIN_PASSWORD}",
            "%dev.leadline.admin.password", "${LEADLINE_ADMIN_PASSWORD:admin-dev-password}",
            "%test.leadline.admin.password", "${LEADLINE_ADMIN_PASSWORD:admin-test-password}",
            "leadline.jwt.generate-if-missing", "${LEADLINE_JWT_GENERATE:false}",
            "%dev.leadline.jwt.generate-if-missing", "${LEADLINE_JWT_GENERATE:true}",
            "leadline.plain", "no-profile-value"), "application.properties", 250);

    private static final List<String> GUARDED = List.of("leadline.admin.password", "leadline.jwt.generate-if-missing",
            "leadline.plain");

    private final DevValues devValues = new DevValues(List.of(APPLICATION_PROPERTIES));

    @Test
    void theDevAndTestValuesAreThePublishedDefaultsWhateverTheEnvironment() {
        assertThat(devValues.of("leadline.admin.password")).containsExactly("admin-dev-password", "admin-test-password");
        // only %dev and %test lines count: the line without a profile is production's own
        assertThat(devValues.of("leadline.jwt.generate-if-missing")).containsExactly("true");
        assertThat(devValues.of("leadline.plain")).isEmpty();
        assertThat(devValues.of("leadline.unknown")).isEmpty();
        assertThat(devValues.variableOf("leadline.admin.password")).contains("LEADLINE_ADMIN_PASSWORD");
    }

    @Test
    void aDevValueIsRefusedNamingThePropertyAndItsVariableButNotTheValue() {
        List<String> refused = DevValueGuard.refused(running(Map.of("leadline.admin.password", "admin-dev-password",
                "leadline.jwt.generate-if-missing", "false")), devValues, List.of("leadline.admin.password"));
        assertThat(refused).singleElement().asString()
                .startsWith("leadline.admin.password has the value the dev and test profiles give it")
                .contains("LEADLINE_ADMIN_PASSWORD")
                .doesNotContain("admin-dev-password");
    }

    @Test
    void aTestValueIsRefusedToo() {
        assertThat(DevValueGuard.refused(running(Map.of("leadline.admin.password", "admin-test-password")), devValues,
                List.of("leadline.admin.password"))).hasSize(1);
    }

    @Test
    void keyGenerationIsADevValue() {
        assertThat(DevValueGuard.refused(running(Map.of("leadline.jwt.generate-if-missing", "TRUE")), devValues,
                List.of("leadline.jwt.generate-if-missing"))).singleElement().asString()
                .startsWith("leadline.jwt.generate-if-missing ").contains("LEADLINE_JWT_GENERATE");
    }

    @Test
    void valuesOfTheirOwnPass() {
        assertThat(DevValueGuard.refused(running(Map.of("leadline.admin.password", "a-real-secret",
                "leadline.plain", "something else")), devValues, GUARDED)).isEmpty();
    }

    @Test
    void onlyTheDevAndTestProfilesMayUseThem() {
        assertThat(DevValueGuard.isDevOrTest(List.of("dev"))).isTrue();
        assertThat(DevValueGuard.isDevOrTest(List.of("test"))).isTrue();
        assertThat(DevValueGuard.isDevOrTest(List.of("prod"))).isFalse();
        assertThat(DevValueGuard.isDevOrTest(List.of("staging", "prod"))).isFalse();
    }

    /** The configuration of a prod run: the given values (as from the environment) over the file. */
    private static SmallRyeConfig running(Map<String, String> values) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "environment", 300), APPLICATION_PROPERTIES)
                .addDefaultInterceptors().withProfile("prod").build().unwrap(SmallRyeConfig.class);
    }
}
