package io.leadline.deploy.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a service's own application.properties says about how it is reached and configured. */
record ServiceConfig(String name, int httpPort, Set<String> environmentVariables) {

    static final List<String> SERVICES = List.of("leads-service", "payments-service", "notify-service");

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

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
            return new ServiceConfig(p.getProperty("quarkus.application.name", module),
                    Integer.parseInt(p.getProperty("quarkus.http.port", "8080")), env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
