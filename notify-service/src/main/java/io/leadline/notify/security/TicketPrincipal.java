package io.leadline.notify.security;

import java.security.Principal;

/** The user behind a socket opened with a ticket, and the expiry of the token the ticket was issued for. */
public record TicketPrincipal(String userId, long tokenExpiresAt) implements Principal {

    @Override
    public String getName() {
        return userId;
    }
}
