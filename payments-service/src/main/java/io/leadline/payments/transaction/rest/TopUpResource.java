package io.leadline.payments.transaction.rest;

import io.leadline.payments.money.CreditPrices;
import io.leadline.payments.money.Money;
import io.leadline.payments.transaction.service.PaymentService;
import io.leadline.shared.security.Caller;
import io.leadline.shared.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Buying credits: a pending payment of the credits' price in the chosen currency, whose provider
 * reference the client pays; the provider's webhook completes it when it reports exactly that amount
 * and currency.
 */
@Path("/api/wallet/top-ups")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TopUpResource {

    @Inject
    PaymentService payments;

    @Inject
    Caller caller;

    @Inject
    CreditPrices prices;

    @POST
    @APIResponse(responseCode = "201", description = "The pending payment whose provider reference the client pays",
            content = @Content(schema = @Schema(implementation = PaymentView.class)))
    public Uni<Response> create(@NotNull @Valid TopUpRequest body) {
        Money price = prices.price(body.amount(), body.currency()).orElseThrow(() -> ProblemException.invalidField(
                "currency", "credits have no price in " + body.currency() + "; they can be bought in "
                        + String.join(", ", prices.currencies())));
        return payments.createTopUp(caller.userId(), body.amount(), price, body.provider())
                .map(payment -> Response.status(Response.Status.CREATED).entity(PaymentView.of(payment)).build());
    }
}
