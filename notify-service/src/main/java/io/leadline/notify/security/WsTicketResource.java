package io.leadline.notify.security;

import io.leadline.shared.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Set;

/**
 * {@code POST /api/ws-tickets}: trades the caller's JWT (Authorization header) for a ticket that opens
 * one WebSocket ({@code /ws?ticket=…}) within seconds. Clients that cannot set headers on the upgrade
 * put the ticket in the URL instead of the token: whatever logs the URL logs something already used
 * or about to expire.
 */
@Path("/api/ws-tickets")
@Authenticated
public class WsTicketResource {

    @Inject
    JsonWebToken token;

    @Inject
    Caller caller;

    @Inject
    WsTickets tickets;

    /** The answer: the ticket, and how many seconds it may be used (once). */
    public record TicketView(String ticket, long expiresIn) {
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A single-use ticket for one WebSocket upgrade",
            description = "Valid for leadline.gateway.ticket-ttl (30 s) and never beyond the token; the socket it opens "
                    + "belongs to the token's user and ends with the token's expiry unless refreshed in band.")
    @APIResponse(responseCode = "201", description = "The ticket; the answer is not to be cached",
            content = @Content(schema = @Schema(implementation = TicketView.class)))
    public Uni<RestResponse<TicketView>> issue() {
        Set<String> roles = token.getGroups() == null ? Set.of() : token.getGroups();
        return tickets.issue(new WsTickets.Holder(caller.userIdText(), roles, token.getExpirationTime()))
                .map(issued -> RestResponse.ResponseBuilder.create(RestResponse.Status.CREATED,
                                new TicketView(issued.ticket(), issued.expiresInSeconds()))
                        .header("Cache-Control", "no-store").build());
    }
}
