package io.leadline.payments.escrow.rest;

import io.leadline.payments.escrow.service.EscrowPartiesPublisher;
import io.leadline.payments.escrow.service.EscrowService;
import io.leadline.payments.escrow.service.EscrowService.Actor;
import io.leadline.payments.transaction.rest.PaymentView;
import io.leadline.shared.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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
    @APIResponse(responseCode = "201", description = "The escrow, with the payment the buyer makes",
            content = @Content(schema = @Schema(implementation = EscrowView.class)))
    public Uni<Response> create(@NotNull @Valid CreateEscrowRequest body) {
        Actor buyer = actor();
        return escrows.requireSeller(buyer, body.sellerId()) // answered on this request's context
                .chain(() -> escrows.create(buyer, body.sellerId(), body.amount(), body.currency(), body.description(),
                        body.provider() == null ? "stripe" : body.provider()))
                // committed: now let the gateway know the parties (retried by a scheduled job should this fail)
                .call(created -> parties.publish(created.escrow()))
                .map(created -> Response.status(Response.Status.CREATED)
                        .entity(EscrowView.of(created.escrow(), PaymentView.of(created.payment()))).build());
    }

    @GET
    @Path("/{id}")
    public Uni<EscrowView> get(@PathParam("id") long id) {
        return escrows.view(id, actor()).map(escrow -> EscrowView.of(escrow, null));
    }

    @POST
    @Path("/{id}/confirm")
    public Uni<EscrowView> confirm(@PathParam("id") long id, @Valid ConfirmRequest body) {
        return escrows.confirm(id, actor(), body == null ? null : body.note())
                .map(escrow -> EscrowView.of(escrow, null));
    }

    @POST
    @Path("/{id}/release")
    @Consumes(MediaType.WILDCARD) // no body: a bare POST must not be 415
    public Uni<EscrowView> release(@PathParam("id") long id) {
        return escrows.release(id, actor()).map(escrow -> EscrowView.of(escrow, null));
    }

    @POST
    @Path("/{id}/refund")
    @Consumes(MediaType.WILDCARD) // no body: a bare POST must not be 415
    public Uni<EscrowView> refund(@PathParam("id") long id) {
        return escrows.refund(id, actor()).map(escrow -> EscrowView.of(escrow, null));
    }

    @POST
    @Path("/{id}/disputes")
    public Uni<EscrowView> dispute(@PathParam("id") long id, @NotNull @Valid DisputeRequest body) {
        return escrows.dispute(id, actor(), body.reason()).map(escrow -> EscrowView.of(escrow, null));
    }

    @POST
    @Path("/{id}/resolution")
    public Uni<EscrowView> resolve(@PathParam("id") long id, @NotNull @Valid ResolutionRequest body) {
        return escrows.resolve(id, actor(), "release".equals(body.outcome()), body.note())
                .map(escrow -> EscrowView.of(escrow, null));
    }

    private Actor actor() {
        return new Actor(caller.userId(), caller.isAdmin());
    }
}
