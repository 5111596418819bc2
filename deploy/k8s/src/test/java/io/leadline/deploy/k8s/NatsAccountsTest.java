package io.leadline.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsServerConfig;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accounts block the NATS servers get (base/nats/accounts.conf, included by nats.conf) is the one
 * NatsIdentity defines, as {@code NatsSetup accounts} renders it: the same users and permissions as
 * `./leadline up` and the tests, with passwords from the environment.
 */
class NatsAccountsTest {

    static final Path COMMITTED = Overlays.K8S.resolve("base/nats/accounts.conf");
    /** Where this test leaves the rendering, to copy over the committed file. */
    static final Path RENDERED = Overlays.WORK.resolve("accounts.conf");

    static String rendering() {
        return NatsServerConfig.accountsWithPasswordsFromEnvironment(StreamLimits.DEFAULTS.name());
    }

    /** Why a committed block is not the rendering, with how to regenerate it; empty when it is. */
    static Optional<String> drift(String committed) throws IOException {
        String expected = rendering();
        if (committed.equals(expected)) {
            return Optional.empty();
        }
        Files.createDirectories(RENDERED.getParent());
        Files.writeString(RENDERED, expected);
        return Optional.of("deploy/k8s/base/nats/accounts.conf is not the accounts block NatsIdentity defines. Regenerate it: "
                + "cp " + RENDERED.toAbsolutePath().normalize() + " deploy/k8s/base/nats/accounts.conf (this test wrote the "
                + "rendering there), or run io.leadline.shared.nats.security.NatsSetup accounts > deploy/k8s/base/nats/accounts.conf");
    }

    @Test
    void theCommittedAccountsBlockIsTheRendering() throws IOException {
        drift(Files.readString(COMMITTED)).ifPresent(Assertions::fail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyOverlayShipsItBesideNatsConf(String overlay) {
        ConfigMap config = Overlays.load(overlay).get(ConfigMap.class, "nats-config");
        assertThat(config.getData().get("accounts.conf")).isEqualTo(rendering());
        assertThat(config.getData().get("nats.conf")).contains("include ./accounts.conf").doesNotContain("no_auth_user");
    }

    @Test
    void aChangedPermissionIsDriftAndTheMessageSaysHowToRegenerate() throws IOException {
        String changed = rendering().replace("\"svc.payments.debit\"", "\"svc.payments.>\"");
        assertThat(changed).isNotEqualTo(rendering());
        assertThat(drift(changed)).hasValueSatisfying(message -> assertThat(message)
                .contains("Regenerate it", "NatsSetup accounts > deploy/k8s/base/nats/accounts.conf"));
        assertThat(RENDERED).hasContent(rendering());
    }
}
