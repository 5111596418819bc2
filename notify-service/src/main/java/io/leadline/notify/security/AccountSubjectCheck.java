package io.leadline.notify.security;

import io.leadline.shared.security.Caller;
import io.leadline.shared.web.ProblemException;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A socket belongs to the account its token names, so a token whose subject names no account opens
 * none: 401, as every REST call with it gets ({@link Caller}). A ticket needs no check here, since it is
 * issued only for such a subject; an upgrade without any identity is refused by the endpoint itself.
 */
@ApplicationScoped
public class AccountSubjectCheck implements HttpUpgradeCheck {

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity().map(identity -> {
            if (identity != null && identity.getPrincipal() instanceof JsonWebToken token) {
                try {
                    Caller.accountIdOf(token.getSubject());
                } catch (ProblemException namesNoAccount) {
                    return CheckResult.rejectUpgradeSync(401);
                }
            }
            return CheckResult.permitUpgradeSync();
        });
    }
}
