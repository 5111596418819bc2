package io.leadline.shared.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A verified token whose subject names no account authenticates nobody, whatever its groups say: every
 * request carrying it gets 401, also where only a role is checked ({@code @RolesAllowed}) and the
 * caller's id is never read, and so does a WebSocket upgrade with it.
 */
@ApplicationScoped
public class AccountSubjectAugmentor implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.getPrincipal() instanceof JsonWebToken token && !Caller.namesAnAccount(token.getSubject())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token does not name an account"));
        }
        return Uni.createFrom().item(identity);
    }
}
