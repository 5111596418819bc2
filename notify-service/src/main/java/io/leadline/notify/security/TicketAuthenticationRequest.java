package io.leadline.notify.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A WebSocket upgrade that presents a ticket from {@code POST /api/ws-tickets}. */
public final class TicketAuthenticationRequest extends BaseAuthenticationRequest {

    private final String ticket;

    public TicketAuthenticationRequest(String ticket) {
        this.ticket = ticket;
    }

    public String ticket() {
        return ticket;
    }
}
