package io.leadline.payments.escrow.rest;

import io.leadline.payments.escrow.service.EscrowPartiesPublisher;
import io.leadline.payments.escrow.service.EscrowService;
import io.leadline.payments.escrow.service.EscrowService.Actor;
import io.leadline.payments.transaction.rest.PaymentView;
import io.leadline.shared.security.Caller;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Escrows between a buyer (the creator) and a seller. Someone who is neither party nor admin gets 404
 * for any escrow, so ids reveal nothing; see {@link EscrowService} for who may do what.
 */
@Path("/api/escrows")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EscrowResource {

    @Inject
    EscrowService escrows;

    @Inject
    EscrowPartiesPublisher parties;

    @Inject
    Caller caller;

    @POST
    public Response create(@NotNull @Valid CreateEscrowRequest body) {
        escrows.requireSeller(actor(), body.sellerId());
        EscrowService.Created created = escrows.create(actor(), body.sellerId(), body.amount(), body.currency(),
                body.description(), body.provider() == null ? "stripe" : body.provider());
        // committed: now let the gateway know the parties (retried by a scheduled job should this fail)
        parties.publish(created.escrow());
        return Response.status(Response.Status.CREATED)
                .entity(EscrowView.of(created.escrow(), PaymentView.of(created.payment()))).build();
    }

    @GET
    @Path("/{id}")
    public EscrowView get(@PathParam("id") long id) {
        return EscrowView.of(escrows.view(id, actor()), null);
    }

    @POST
    @Path("/{id}/confirm")
    public EscrowView confirm(@PathParam("id") long id, @Valid ConfirmRequest body) {
        return EscrowView.of(escrows.confirm(id, actor(), body == null ? null : body.note()), null);
    }

    @POST
    @Path("/{id}/release")
    @Consumes(MediaType.WILDCARD) // no body: a bare POST must not be 415
    public EscrowView release(@PathParam("id") long id) {
        return EscrowView.of(escrows.release(id, actor()), null);
    }

    @POST
    @Path("/{id}/refund")
    @Consumes(MediaType.WILDCARD) // no body: a bare POST must not be 415
    public EscrowView refund(@PathParam("id") long id) {
        return EscrowView.of(escrows.refund(id, actor()), null);
    }

    @POST
    @Path("/{id}/disputes")
    public EscrowView dispute(@PathParam("id") long id, @NotNull @Valid DisputeRequest body) {
        return EscrowView.of(escrows.dispute(id, actor(), body.reason()), null);
    }

    @POST
    @Path("/{id}/resolution")
    public EscrowView resolve(@PathParam("id") long id, @NotNull @Valid ResolutionRequest body) {
        return EscrowView.of(escrows.resolve(id, actor(), "release".equals(body.outcome()), body.note()), null);
    }

    private Actor actor() {
        return new Actor(caller.userId(), caller.isAdmin());
    }
}
