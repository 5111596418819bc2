package io.leadline.shared.security;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Local development needs no key set-up: when no signing pair exists in {@code leadline.jwt.key-dir},
 * the first service to start generates one (RSA 2048, PEM) under a file lock, and every service of
 * the machine then signs or verifies with it. Only the dev and test profiles do that; elsewhere the
 * keys come from configuration, and a start without them fails here naming the property, instead of
 * starting and then refusing every token.
 */
@Startup
@Singleton
@Priority(1)
public class JwtKeyBootstrap {

    private static final Logger LOG = Logger.getLogger(JwtKeyBootstrap.class);
    public static final String PRIVATE_KEY_FILE = "private.pem";
    public static final String PUBLIC_KEY_FILE = "public.pem";

    @ConfigProperty(name = "leadline.jwt.key-dir")
    Path keyDir;

    @ConfigProperty(name = "leadline.jwt.generate-if-missing", defaultValue = "false")
    boolean generateIfMissing;

    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    /** Only leads-service signs tokens. */
    @ConfigProperty(name = "smallrye.jwt.sign.key.location")
    Optional<String> privateKeyLocation;

    @PostConstruct
    void ensureKeys() {
        if (generateIfMissing) {
            ensureKeyPair(keyDir);
            return;
        }
        publicKeyLocation.ifPresent(location -> requireFile("mp.jwt.verify.publickey.location", location));
        privateKeyLocation.ifPresent(location -> requireFile("smallrye.jwt.sign.key.location", location));
    }

    /** A key on the file system must be readable now; other locations (class path, URLs) are left to smallrye-jwt. */
    static void requireFile(String property, String location) {
        Path file;
        if (location.startsWith("file:")) {
            file = Path.of(URI.create(location));
        } else if (location.contains(":") && !location.startsWith("/")) {
            return;
        } else {
            file = Path.of(location);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(property + ": no readable key at " + file + " (mount the key pair, "
                    + "or set leadline.jwt.key-dir; leadline.jwt.generate-if-missing=true generates one, in the dev "
                    + "and test profiles only)");
        }
    }

    /** Generates a key pair in {@code dir} unless one is there; safe against concurrent callers. */
    public static void ensureKeyPair(Path dir) {
        Path publicKey = dir.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(publicKey)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                if (Files.exists(publicKey)) {
                    return;
                }
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                writeAtomically(dir, PRIVATE_KEY_FILE, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
                writeAtomically(dir, PUBLIC_KEY_FILE, pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
                LOG.infof("generated a local JWT signing key pair in %s", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create JWT keys in " + dir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path dir, String name, String content, boolean secret) throws IOException {
        Path temp = Files.createTempFile(dir, name, ".tmp");
        if (secret) {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
