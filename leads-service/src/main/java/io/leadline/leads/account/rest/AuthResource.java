package io.leadline.leads.account.rest;

import io.leadline.leads.account.Role;
import io.leadline.leads.account.service.AccountService;
import io.leadline.leads.account.service.LoginThrottle;
import io.leadline.leads.account.service.TokenIssuer;
import io.leadline.shared.security.Caller;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/auth")
@Tag(name = "auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    AccountService accounts;

    @Inject
    TokenIssuer tokens;

    @Inject
    Caller caller;

    @Inject
    LoginThrottle throttle;

    @POST
    @Path("/register")
    @APIResponse(responseCode = "201", description = "The new account",
            content = @Content(schema = @Schema(implementation = AccountView.class)))
    public Uni<Response> register(@NotNull(message = "a JSON body is required") @Valid RegisterRequest request) {
        Role role = Role.fromWireName(request.role()).orElseThrow();
        return accounts.register(request.username(), request.password(), role)
                .map(account -> Response.status(Response.Status.CREATED).entity(AccountView.of(account)).build());
    }

    /**
     * Throttled per username and per client address ({@code LoginThrottle}): 429 with {@code Retry-After},
     * without checking the password, while either has too many recent failures.
     */
    @POST
    @Path("/token")
    public Uni<TokenResponse> token(@NotNull(message = "a JSON body is required") @Valid TokenRequest request,
            @Context HttpServerRequest http) {
        String address = ClientAddress.of(http);
        return throttle.attempt(request.username(), address) // counted as a failure until it proves right
                .chain(() -> accounts.authenticate(request.username(), request.password()))
                .map(account -> account.orElseThrow(
                        () -> ProblemException.unauthorized("unknown username or wrong password")))
                .call(account -> throttle.succeeded(request.username(), address))
                // signing reads the key file and does RSA work: a worker's job, not the event loop's
                .flatMap(account -> VertxContextSupport.executeBlocking(() -> tokens.issue(account)))
                .map(issued -> new TokenResponse(issued.token(), "Bearer", issued.expiresIn()));
    }

    @GET
    @Path("/me")
    @Authenticated
    public Uni<AccountView> me() {
        return accounts.find(caller.userId()).map(found -> found.map(AccountView::of)
                .orElseThrow(() -> ProblemException.unauthorized("the account of this token no longer exists")));
    }
}
