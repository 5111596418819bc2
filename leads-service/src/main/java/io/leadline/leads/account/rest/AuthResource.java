package io.leadline.leads.account.rest;

import io.leadline.leads.account.Role;
import io.leadline.leads.account.service.AccountService;
import io.leadline.leads.account.service.LoginThrottle;
import io.leadline.leads.account.service.TokenIssuer;
import io.leadline.shared.security.Caller;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
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
    public Response register(@NotNull(message = "a JSON body is required") @Valid RegisterRequest request) {
        Role role = Role.fromWireName(request.role()).orElseThrow();
        var account = accounts.register(request.username(), request.password(), role);
        return Response.status(Response.Status.CREATED).entity(AccountView.of(account)).build();
    }

    /**
     * Throttled per username and per client address ({@code LoginThrottle}): 429 with {@code Retry-After},
     * without checking the password, while either has too many recent failures.
     */
    @POST
    @Path("/token")
    public TokenResponse token(@NotNull(message = "a JSON body is required") @Valid TokenRequest request,
            @Context HttpServerRequest http) {
        String address = ClientAddress.of(http);
        throttle.attempt(request.username(), address); // counted as a failure until it proves right
        var account = accounts.authenticate(request.username(), request.password());
        if (account.isEmpty()) {
            throw ProblemException.unauthorized("unknown username or wrong password");
        }
        throttle.succeeded(request.username(), address);
        var issued = tokens.issue(account.get());
        return new TokenResponse(issued.token(), "Bearer", issued.expiresIn());
    }

    @GET
    @Path("/me")
    @Authenticated
    public AccountView me() {
        return accounts.find(caller.userId()).map(AccountView::of)
                .orElseThrow(() -> ProblemException.unauthorized("the account of this token no longer exists"));
    }
}
