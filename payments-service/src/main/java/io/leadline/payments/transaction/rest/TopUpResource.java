package io.leadline.payments.transaction.rest;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.security.Caller;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.service.PaymentService;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;

/** Buying credits: a pending payment whose provider reference the client pays; the webhook completes it. */
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
    PaymentsConfig config;

    @POST
    public Response create(@NotNull @Valid TopUpRequest body) {
        String currency = body.currency() == null ? config.topUp().currency() : body.currency();
        BigDecimal price = config.topUp().pricePerCredit().multiply(BigDecimal.valueOf(body.amount()));
        Payment payment = payments.createTopUp(caller.userId(), body.amount(), price, currency, body.provider());
        return Response.status(Response.Status.CREATED).entity(PaymentView.of(payment)).build();
    }
}
