package io.leadline.shared.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

@ConfigMapping(prefix = "leadline.secrets")
public interface SecretsConfig {

    /**
     * Properties whose values in the {@code %dev} and {@code %test} profiles of application.properties
     * are published with the code: outside those profiles a start with one of them fails
     * ({@link DevValueGuard}). Each service lists its own.
     */
    @WithDefault("leadline.jwt.generate-if-missing")
    List<String> devOnly();
}
