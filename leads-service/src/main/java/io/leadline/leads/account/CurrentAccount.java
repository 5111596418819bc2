package io.leadline.leads.account;

import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Optional;

/** Who is calling, read from the verified token: {@code sub} is the account id, the group its role. */
@RequestScoped
public class CurrentAccount {

    @Inject
    JsonWebToken token;

    public boolean authenticated() {
        return token != null && token.getSubject() != null;
    }

    public long id() {
        return idIfAuthenticated().orElseThrow(() -> ProblemException.unauthorized("a valid bearer token is required"));
    }

    public Optional<Long> idIfAuthenticated() {
        if (!authenticated()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(token.getSubject()));
        } catch (NumberFormatException e) {
            throw ProblemException.unauthorized("the token does not name an account");
        }
    }

    public boolean isAdmin() {
        return hasRole(Roles.ADMIN);
    }

    public boolean hasRole(String role) {
        return authenticated() && token.getGroups() != null && token.getGroups().contains(role);
    }
}
