package io.leadline.leads.claim.rest;

import io.leadline.leads.claim.service.ClaimService;
import io.leadline.shared.security.Caller;
import io.leadline.shared.security.Roles;
import io.leadline.shared.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.regex.Pattern;

@Path("/api/leads/{id}/claim")
@Tag(name = "claims")
@Produces(MediaType.APPLICATION_JSON)
public class ClaimResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{8,100}");

    @Inject
    ClaimService claims;

    @Inject
    Caller caller;

    /** 201 for a new claim; 200 with the same body when the key was already used for this claim. */
    @POST
    @RolesAllowed({Roles.PROVIDER, Roles.PROPERTY_MANAGER})
    @APIResponse(responseCode = "201", description = "The new claim",
            content = @Content(schema = @Schema(implementation = ClaimView.class)))
    @APIResponse(responseCode = "200", description = "The claim this Idempotency-Key made before, the very same body",
            content = @Content(schema = @Schema(implementation = ClaimView.class)))
    public Uni<Response> claim(@PathParam("id") long leadId, @HeaderParam(IDEMPOTENCY_KEY) String key) {
        if (key == null || key.isBlank()) {
            throw ProblemException.invalidField(IDEMPOTENCY_KEY, "header is required");
        }
        if (!KEY.matcher(key).matches()) {
            throw ProblemException.invalidField(IDEMPOTENCY_KEY, "must be 8 to 100 letters, digits, '.', '_', ':' or '-'");
        }
        return claims.claim(leadId, caller.userId(), key)
                .map(outcome -> Response.status(outcome.replayed() ? Response.Status.OK : Response.Status.CREATED)
                        .entity(ClaimView.of(outcome)).build());
    }
}
