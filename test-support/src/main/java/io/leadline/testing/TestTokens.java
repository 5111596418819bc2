package io.leadline.testing;

import io.leadline.shared.security.JwtKeyBootstrap;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

/**
 * Real RS256 tokens for tests, signed with a key pair made for the test run; the services under test
 * verify them exactly as they verify tokens from leads-service.
 */
public final class TestTokens {

    public static final String ISSUER = "https://leadline.local";
    public static final String AUDIENCE = "leadline";

    private static Path keyDir;

    private TestTokens() {
    }

    /** The key directory of this test run, created on first use. */
    public static synchronized Path keyDir() {
        if (keyDir == null) {
            try {
                keyDir = Files.createTempDirectory("leadline-jwt-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JwtKeyBootstrap.ensureKeyPair(keyDir);
        }
        return keyDir;
    }

    public static String token(String userId, String role) {
        return token(userId, role, Duration.ofHours(1));
    }

    public static String token(String userId, String role, Duration lifetime) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(userId).upn("user-" + userId).groups(role)
                .issuedAt(now.minusSeconds(1)).expiresAt(now.plus(lifetime)).jws().sign(privateKey());
    }

    public static String expiredToken(String userId, String role) {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(userId).groups(role)
                .issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5))).jws().sign(privateKey());
    }

    /** A well-formed token signed by a key nobody trusts. */
    public static String forgedToken(String userId, String role) {
        try {
            PrivateKey stranger = KeyUtils.generateKeyPair(2048).getPrivate();
            Instant now = Instant.now();
            return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(userId).groups(role)
                    .issuedAt(now).expiresAt(now.plusSeconds(3600)).jws().sign(stranger);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey() {
        try {
            return KeyUtils.decodePrivateKey(Files.readString(keyDir().resolve(JwtKeyBootstrap.PRIVATE_KEY_FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
