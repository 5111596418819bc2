package io.leadline.notify.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns a ticket into the identity it was issued for, consuming it (one non-blocking database round
 * trip). An unknown, used or expired ticket fails the upgrade with 401.
 */
@ApplicationScoped
public class TicketIdentityProvider implements IdentityProvider<TicketAuthenticationRequest> {

    @Inject
    WsTickets tickets;

    @Override
    public Class<TicketAuthenticationRequest> getRequestType() {
        return TicketAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TicketAuthenticationRequest request, AuthenticationRequestContext context) {
        return tickets.consume(request.ticket()).map(holder -> holder
                .map(found -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                        .setPrincipal(new TicketPrincipal(found.userId(), found.tokenExpiresAt()))
                        .addRoles(found.roles())
                        .build())
                .orElseThrow(() -> new AuthenticationFailedException("unknown, used or expired ticket")));
    }
}
