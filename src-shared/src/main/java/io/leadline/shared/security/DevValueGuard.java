package io.leadline.shared.security;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dev and test profiles come with usable secrets (an admin password, webhook secrets, key
 * generation) that anybody can read in the repository. In every other profile, production included
 * (the packaged default), a start fails when a property of {@code leadline.secrets.dev-only} has one
 * of those values. It runs first among the start-up observers, before the admin account is written or
 * a key pair generated. The message names the property, never the value.
 */
@ApplicationScoped
public class DevValueGuard {

    private static final Logger LOG = Logger.getLogger(DevValueGuard.class);

    @Inject
    Config config;

    @Inject
    SecretsConfig secrets;

    void refuseDevValues(@Observes @Priority(1) StartupEvent start) {
        SmallRyeConfig running = config.unwrap(SmallRyeConfig.class);
        if (isDevOrTest(running.getProfiles())) {
            return;
        }
        DevValues devValues = DevValues.fromClassPath(Thread.currentThread().getContextClassLoader());
        if (devValues.isEmpty()) {
            LOG.warn("no application.properties on the class path: the dev values of leadline.secrets.dev-only "
                    + "cannot be checked (a native image needs quarkus.native.resources.includes=application.properties)");
            return;
        }
        List<String> refused = refused(running, devValues, secrets.devOnly());
        if (!refused.isEmpty()) {
            throw new IllegalStateException("refusing to start in profile " + String.join(",", running.getProfiles())
                    + ": " + String.join("; ", refused));
        }
    }

    static boolean isDevOrTest(Collection<String> activeProfiles) {
        return activeProfiles.stream().anyMatch(DevValues.PROFILES::contains);
    }

    /** One sentence per property whose running value is a dev or test value. */
    static List<String> refused(SmallRyeConfig running, DevValues devValues, List<String> names) {
        List<String> refused = new ArrayList<>();
        for (String name : names) {
            Optional<String> value = running.getOptionalValue(name, String.class).map(String::strip);
            Set<String> dev = devValues.of(name);
            if (value.isPresent() && dev.stream().anyMatch(published -> published.strip().equalsIgnoreCase(value.get()))) {
                refused.add(name + " has the value the dev and test profiles give it, published with the code; "
                        + "outside them set a value of your own"
                        + devValues.variableOf(name).map(variable -> " (environment variable " + variable + ")").orElse(""));
            }
        }
        return refused;
    }
}
