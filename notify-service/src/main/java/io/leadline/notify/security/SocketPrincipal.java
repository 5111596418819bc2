package io.leadline.notify.security;

import java.security.Principal;

/**
 * The user behind a socket authenticated with a JWT, reduced to what the socket needs for its life: the
 * principal's name (as the token's principal gave it, e.g. its upn), the subject and the token's exp. The
 * token itself, its claims and its raw text are not kept ({@link SocketIdentityAugmentor}).
 */
public record SocketPrincipal(String name, String userId, long tokenExpiresAt) implements Principal {

    @Override
    public String getName() {
        return name;
    }
}
