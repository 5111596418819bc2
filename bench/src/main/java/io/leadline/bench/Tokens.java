package io.leadline.bench;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Real RS256 tokens, signed with {@code private.pem} of a leadline key directory exactly as
 * io.leadline.testing.TestTokens does: issuer https://leadline.local, audience leadline, one distinct
 * subject per connection (account ids from {@code 1000000} on) so the per-user connection limit does not bite.
 */
final class Tokens {

    static final String ISSUER = "https://leadline.local";
    static final String AUDIENCE = "leadline";

    private Tokens() {
    }

    static List<String> mint(Path keyDir, int count, String role, Duration lifetime) throws Exception {
        PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(keyDir.resolve("private.pem")));
        Instant now = Instant.now();
        return IntStream.range(0, count).parallel()
                .mapToObj(i -> {
                    String subject = Long.toString(1_000_000L + i); // an account id, as notify requires
                    return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(subject).groups(role)
                            .issuedAt(now.minusSeconds(1)).expiresAt(now.plus(lifetime)).jws().sign(key);
                })
                .collect(Collectors.toList());
    }

    static List<String> read(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).collect(Collectors.toList());
    }

    /** Tokens from {@code --token-file}, or minted from {@code --key-dir}. */
    static List<String> load(Args args, int count) throws Exception {
        List<String> tokens;
        if (args.has("token-file")) {
            tokens = read(Path.of(args.required("token-file")));
        } else {
            tokens = mint(Path.of(args.required("key-dir")), count, args.str("role", "provider"), Duration.ofHours(3));
        }
        if (tokens.size() < count) {
            throw new IllegalArgumentException("need " + count + " tokens, have " + tokens.size());
        }
        return tokens;
    }
}
