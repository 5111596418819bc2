package io.leadline.payments.security;

import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated user of a REST call: the token's {@code sub} is the user id, {@code groups} the role. */
@RequestScoped
public class Caller {

    public static final String ADMIN = "admin";

    @Inject
    JsonWebToken token;

    public long userId() {
        try {
            long id = Long.parseLong(token.getSubject());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException | NullPointerException ignored) {
            // fall through
        }
        throw ProblemException.forbidden("the token does not name a user");
    }

    public boolean isAdmin() {
        return token.getGroups() != null && token.getGroups().contains(ADMIN);
    }
}
