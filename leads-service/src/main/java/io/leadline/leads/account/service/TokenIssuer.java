package io.leadline.leads.account.service;

import io.leadline.leads.account.Account;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.Set;

/**
 * Issues the platform's access tokens, RS256-signed with the key at {@code smallrye.jwt.sign.key.location}
 * (read when signing, so a key created by {@code JwtKeyBootstrap} at start is found).
 */
@ApplicationScoped
public class TokenIssuer {

    public static final String AUDIENCE = "leadline";

    @ConfigProperty(name = "mp.jwt.verify.issuer")
    String issuer;

    @ConfigProperty(name = "smallrye.jwt.new-token.lifespan", defaultValue = "3600")
    long lifetimeSeconds;

    public record IssuedToken(String token, long expiresIn) {
    }

    public IssuedToken issue(Account account) {
        Instant now = Instant.now();
        String token = Jwt.issuer(issuer)
                .audience(AUDIENCE)
                .subject(Long.toString(account.id()))
                .upn(account.username())
                .groups(Set.of(account.role().wireName()))
                .issuedAt(now)
                .expiresAt(now.plusSeconds(lifetimeSeconds))
                .sign();
        return new IssuedToken(token, lifetimeSeconds);
    }
}
