package io.leadline.shared.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@link DevValueGuard} refuses outside the dev and test profiles, read from a service's
 * application.properties by the guard's own {@link DevValues} (hence this package): the properties of
 * {@code leadline.secrets.dev-only} as the packaged service reads that list (profile prod, else
 * {@link SecretsConfig}'s default), each with the values its {@code %dev} and {@code %test} lines publish.
 * For the manifest checks of deploy/k8s, which must not ship one of them.
 */
public final class PublishedDevValues {

    static final String LIST = "leadline.secrets.dev-only";

    /**
     * One guarded property: the values published for it, and the environment variables that set it (the
     * one its profile-less line reads, and the property's own name as an environment variable).
     */
    public record Guarded(String property, Set<String> values, List<String> variables) {

        /** Whether the guard refuses {@code value} for this property (it compares stripped, ignoring case). */
        public boolean refuses(String value) {
            return value != null && values.stream().anyMatch(published -> published.strip().equalsIgnoreCase(value.strip()));
        }
    }

    private PublishedDevValues() {
    }

    public static List<Guarded> of(Path applicationProperties) {
        PropertiesConfigSource source;
        try {
            source = new PropertiesConfigSource(applicationProperties.toUri().toURL());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DevValues devValues = new DevValues(List.of(source));
        SmallRyeConfig prod = new SmallRyeConfigBuilder().withSources(source).addDefaultInterceptors().withProfile("prod")
                .build().unwrap(SmallRyeConfig.class);
        List<String> names = prod.getOptionalValues(LIST, String.class).orElseGet(PublishedDevValues::defaultList);
        List<Guarded> guarded = new ArrayList<>();
        for (String name : names) {
            List<String> variables = Stream.concat(devValues.variableOf(name).stream(),
                    Stream.of(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))).distinct().toList();
            guarded.add(new Guarded(name, devValues.of(name), variables));
        }
        return guarded;
    }

    private static List<String> defaultList() {
        try {
            String value = SecretsConfig.class.getMethod("devOnly").getAnnotation(WithDefault.class).value();
            return Stream.of(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
