package io.leadline.deploy.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The overlays as a test sees them: deploy/k8s copied to target/rendered (the source tree is never
 * written), with the inputs that are not committed made up there: the dev-only secrets and the JWT key
 * pair that overlays/dev/secrets/generate.sh makes, and prod's public key, which operations commit.
 */
final class Overlays {

    static final List<String> NAMES = List.of("dev", "prod");
    static final Path ROOT = Path.of(System.getProperty("leadline.root", "../.."));
    static final Path K8S = Path.of(System.getProperty("leadline.k8s.dir", "."));
    static final Path WORK = Path.of(System.getProperty("leadline.k8s.work", "target/rendered"));

    private static Path tree;

    private Overlays() {
    }

    static synchronized Path tree() {
        if (tree == null) {
            try {
                Path dir = WORK.resolve("tree");
                if (Files.exists(dir)) {
                    try (Stream<Path> old = Files.walk(dir)) {
                        old.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
                    }
                }
                for (String part : List.of("base", "overlays")) {
                    copy(K8S.resolve(part), dir.resolve(part));
                }
                KeyPair pair = rsa();
                writeIfAbsent(dir.resolve("overlays/dev/jwt/private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                writeIfAbsent(dir.resolve("overlays/dev/jwt/public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                writeIfAbsent(dir.resolve("overlays/prod/jwt/public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                Path devSecrets = dir.resolve("overlays/dev/secrets");
                writeIfAbsent(devSecrets.resolve("stripe-webhook-secret"), "whsec_" + random());
                writeIfAbsent(devSecrets.resolve("razorpay-webhook-secret"), random());
                writeIfAbsent(devSecrets.resolve("admin-password"), random());
                writeIfAbsent(devSecrets.resolve("pusher-app-key"), random());
                writeIfAbsent(devSecrets.resolve("pusher-app-secret"), random());
                tree = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tree;
    }

    static List<ObjectNode> render(String overlay) {
        return Kustomize.build(tree().resolve("overlays").resolve(overlay));
    }

    static Manifests load(String overlay) {
        return Manifests.load(render(overlay));
    }

    static Map<String, ServiceConfig> serviceConfigs() {
        Map<String, ServiceConfig> configs = new LinkedHashMap<>();
        for (String s : ServiceConfig.SERVICES) {
            configs.put(s, ServiceConfig.read(ROOT, s));
        }
        return configs;
    }

    /** {@code kubectl kustomize} output for an overlay, or null when kubectl is not installed. */
    static String kubectlKustomize(String overlay) throws IOException, InterruptedException {
        Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        if (kubectl == null) {
            return null;
        }
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", tree().resolve("overlays").resolve(overlay).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize failed: " + out);
        }
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As secrets/generate.sh makes them: 24 random bytes, base64 without /, + and =. */
    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replaceAll("[/+=]", "");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void writeIfAbsent(Path file, String content) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        }
    }
}
