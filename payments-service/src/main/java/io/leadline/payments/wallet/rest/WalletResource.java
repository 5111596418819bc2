package io.leadline.payments.wallet.rest;

import io.leadline.payments.wallet.service.WalletService;
import io.leadline.payments.wallet.service.WalletService.WalletView;
import io.leadline.shared.security.Caller;
import io.leadline.shared.security.Roles;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.UUID;

@Path("/api/wallet")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WalletResource {

    @Inject
    WalletService wallets;

    @Inject
    Caller caller;

    /** The caller's balance and most recent ledger entries. */
    @GET
    public Uni<WalletView> mine() {
        return wallets.view(caller.userId());
    }

    /** Admin grant of credits; send an {@code Idempotency-Key} to make a retry safe. */
    @POST
    @Path("/{userId}/grants")
    @RolesAllowed(Roles.ADMIN)
    @APIResponse(responseCode = "201", description = "The credits were booked",
            content = @Content(schema = @Schema(implementation = GrantResponse.class)))
    @APIResponse(responseCode = "200", description = "This Idempotency-Key was used before: nothing new was booked",
            content = @Content(schema = @Schema(implementation = GrantResponse.class)))
    public Uni<Response> grant(@PathParam("userId") long userId, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @NotNull @Valid GrantRequest body) {
        if (userId <= 0) {
            throw ProblemException.invalidField("user_id", "must be a positive number");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ProblemException.invalidField("Idempotency-Key", "must be 1 to 200 characters");
        }
        String key = idempotencyKey == null ? UUID.randomUUID().toString() : idempotencyKey;
        return wallets.grant(userId, body.amount(), body.reason(), key).map(change -> {
            if (change.entry().userId() != userId) {
                throw ProblemException.conflict("Idempotency-Key already used for another wallet");
            }
            GrantResponse response = new GrantResponse(change.entry(), change.balance(), !change.applied());
            return Response.status(change.applied() ? Response.Status.CREATED : Response.Status.OK).entity(response)
                    .build();
        });
    }
}
