package io.leadline.notify.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A socket's identity keeps the name, subject, exp and roles of its token, and nothing else of it. */
class SocketIdentityAugmentorTest {

    @Test
    void aJwtIdentityBecomesASocketPrincipalWithTheSameRolesAndNoTokenOrAttributes() {
        SecurityIdentity full = QuarkusSecurityIdentity.builder()
                .setPrincipal(token(Map.of("sub", "42", "upn", "user-42", "exp", 1_900_000_000L)))
                .addRole("provider")
                .addCredential(new TokenCredential("raw.jwt.text", "bearer"))
                .addAttribute("some", "thing")
                .build();

        SecurityIdentity slim = SocketIdentityAugmentor.slim(full, (JsonWebToken) full.getPrincipal());

        assertThat(slim.getPrincipal()).isEqualTo(new SocketPrincipal("user-42", "42", 1_900_000_000L));
        assertThat(slim.getPrincipal().getName()).as("as the token named its caller").isEqualTo("user-42");
        assertThat(slim.getRoles()).containsExactly("provider");
        assertThat(slim.getCredentials()).isEmpty();
        assertThat(slim.getAttributes()).isEmpty();
        assertThat(slim.isAnonymous()).isFalse();
        assertThat(ConnectionIdentity.of(slim)).isEqualTo(new ConnectionIdentity("42", "provider", 1_900_000_000L));
    }

    @Test
    void aSubjectThatNamesNoAccountStillFails() {
        SecurityIdentity full = QuarkusSecurityIdentity.builder()
                .setPrincipal(token(Map.of("sub", "not-an-account", "upn", "x", "exp", 1_900_000_000L)))
                .addRole("provider")
                .build();

        assertThatThrownBy(() -> SocketIdentityAugmentor.slim(full, (JsonWebToken) full.getPrincipal()))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    private static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return (String) claims.get("upn");
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return (T) claims.get(claimName);
            }
        };
    }
}
