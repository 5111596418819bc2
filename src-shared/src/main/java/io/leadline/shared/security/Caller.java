package io.leadline.shared.security;

import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a REST request acts for, read from its verified token: {@code sub} is the account id (as
 * leads-service issues it), {@code groups} the role ({@link Roles}). A token whose subject is missing or
 * names no account is refused the same way in every service: 401, as if there were no token.
 */
@RequestScoped
public class Caller {

    /**
     * The decimal form leads-service writes; no sign or leading zero, so the subject itself is the
     * id's one spelling (channel names and inbox rows compare it as text).
     */
    public static final String ACCOUNT_ID_PATTERN = "[1-9][0-9]{0,18}";
    private static final Pattern ACCOUNT_ID = Pattern.compile(ACCOUNT_ID_PATTERN);

    @Inject
    JsonWebToken token;

    /** Whether the request carries a token with a subject (which {@link #userId()} may still refuse). */
    public boolean authenticated() {
        return token != null && token.getSubject() != null;
    }

    /** The caller's account id; a 401 problem when the token names none. */
    public long userId() {
        return accountIdOf(token == null ? null : token.getSubject());
    }

    /** {@link #userId()} as the text channels and the inbox use. */
    public String userIdText() {
        return Long.toString(userId());
    }

    /** Empty for an anonymous request; a 401 problem for a token that names no account. */
    public Optional<Long> userIdIfAuthenticated() {
        return authenticated() ? Optional.of(userId()) : Optional.empty();
    }

    public boolean hasRole(String role) {
        return authenticated() && token.getGroups() != null && token.getGroups().contains(role);
    }

    public boolean isAdmin() {
        return hasRole(Roles.ADMIN);
    }

    /** The account id a token subject names; a 401 problem when it is missing or names none. */
    public static long accountIdOf(String subject) {
        if (!namesAnAccount(subject)) {
            throw unauthorized();
        }
        return Long.parseLong(subject);
    }

    /** Whether a token subject is an account id in its one spelling (and within a long). */
    public static boolean namesAnAccount(String subject) {
        if (subject == null || !ACCOUNT_ID.matcher(subject).matches()) {
            return false;
        }
        try {
            Long.parseLong(subject);
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    private static ProblemException unauthorized() {
        return ProblemException.unauthorized("the token does not name an account");
    }
}
