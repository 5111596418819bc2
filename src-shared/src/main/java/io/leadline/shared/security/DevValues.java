package io.leadline.shared.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values properties have in the dev and test profiles of a service's application.properties, read
 * with neither environment nor system properties, so {@code ${LEADLINE_ADMIN_PASSWORD:admin-dev-password}}
 * gives the published default whatever this process's environment says.
 */
final class DevValues {

    static final List<String> PROFILES = List.of("dev", "test");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    private final List<ConfigSource> sources;
    private final Map<String, SmallRyeConfig> profiles = new LinkedHashMap<>();

    DevValues(List<ConfigSource> sources) {
        this.sources = List.copyOf(sources);
        for (String profile : PROFILES) {
            profiles.put(profile, new SmallRyeConfigBuilder().withSources(sources).addDefaultInterceptors()
                    .withProfile(profile).build().unwrap(SmallRyeConfig.class));
        }
    }

    /** The application.properties files on the class path (the service's own). */
    static DevValues fromClassPath(ClassLoader loader) {
        List<ConfigSource> sources = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources("application.properties"))) {
                sources.add(new PropertiesConfigSource(url));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties", e);
        }
        return new DevValues(sources);
    }

    /**
     * The values of {@code name} given by {@code %dev.} and {@code %test.} lines; empty when there are
     * none. A line without a profile is what production itself runs with, so it never counts.
     */
    Set<String> of(String name) {
        Set<String> values = new LinkedHashSet<>();
        profiles.forEach((profile, config) -> {
            if (!hasLine("%" + profile + "." + name)) {
                return;
            }
            try {
                config.getOptionalValue(name, String.class).ifPresent(values::add);
            } catch (NoSuchElementException | IllegalArgumentException noValueWithoutTheEnvironment) {
                // for example ${LEADLINE_ADMIN_PASSWORD} with no default: nothing published
            }
        });
        return values;
    }

    private boolean hasLine(String key) {
        return sources.stream().anyMatch(source -> source.getValue(key) != null);
    }

    boolean isEmpty() {
        return sources.isEmpty();
    }

    /** The environment variable the profile-less line of {@code name} reads, if it reads one. */
    Optional<String> variableOf(String name) {
        for (ConfigSource source : sources) {
            String raw = source.getValue(name);
            if (raw != null) {
                Matcher matcher = VARIABLE.matcher(raw);
                return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
