package io.leadline.deploy.k8s;

import io.leadline.shared.nats.NatsConfig;
import io.leadline.shared.security.PublishedDevValues;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's own application.properties says about how it is reached and configured. The
 * management port is null when {@code quarkus.management.enabled} is not true: then {@code /q/*} is
 * served on the public port. {@code devOnly}: the secrets whose published dev and test values the service
 * refuses outside those profiles (DevValueGuard). {@code trustedProxiesVariable}: when the service believes
 * X-Forwarded-For from {@code quarkus.http.proxy.trusted-proxies}, the variable that sets them (else null).
 */
record ServiceConfig(String name, int httpPort, Integer managementPort, Set<String> environmentVariables,
                     List<PublishedDevValues.Guarded> devOnly, String trustedProxiesVariable) {

    static final List<String> SERVICES = List.of("leads-service", "payments-service", "notify-service");

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final String NATS_PREFIX = "leadline.nats";

    /**
     * The variables of a configuration mapping's properties, as Quarkus reads them from the environment
     * ({@code leadline.nats.tls-ca-file} from {@code LEADLINE_NATS_TLS_CA_FILE}): a service that
     * configures {@code leadline.nats.*} reads all of {@link NatsConfig}.
     */
    static Set<String> environmentVariables(String prefix, Class<?> mapping) {
        Set<String> names = new TreeSet<>();
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || method.isSynthetic()) {
                continue;
            }
            String property = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == mapping) {
                names.addAll(environmentVariables(property, type));
            } else {
                names.add(property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
            }
        }
        return names;
    }

    static ServiceConfig read(Path repositoryRoot, String module) {
        Path file = repositoryRoot.resolve(module).resolve("src/main/resources/application.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            Set<String> env = new TreeSet<>();
            Matcher m = ENV_REFERENCE.matcher(Files.readString(file));
            while (m.find()) {
                env.add(m.group(1));
            }
            if (p.stringPropertyNames().stream().anyMatch(name -> name.startsWith(NATS_PREFIX + "."))) {
                env.addAll(environmentVariables(NATS_PREFIX, NatsConfig.class));
            }
            Integer management = Boolean.parseBoolean(p.getProperty("quarkus.management.enabled", "false"))
                    ? Integer.valueOf(p.getProperty("quarkus.management.port", "9000")) : null;
            String trustedProxies = null;
            if (Boolean.parseBoolean(p.getProperty("quarkus.http.proxy.proxy-address-forwarding", "false"))) {
                Matcher variable = ENV_REFERENCE.matcher(p.getProperty("quarkus.http.proxy.trusted-proxies", ""));
                trustedProxies = variable.find() ? variable.group(1) : null;
            }
            return new ServiceConfig(p.getProperty("quarkus.application.name", module),
                    Integer.parseInt(p.getProperty("quarkus.http.port", "8080")), management, env, PublishedDevValues.of(file),
                    trustedProxies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
