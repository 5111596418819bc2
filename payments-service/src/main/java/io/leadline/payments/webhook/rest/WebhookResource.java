package io.leadline.payments.webhook.rest;

import io.leadline.payments.webhook.service.WebhookService;
import io.leadline.payments.webhook.service.WebhookService.WebhookOutcome;
import io.leadline.shared.web.ProblemException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Provider callbacks, authenticated by their HMAC signature over the raw body (never re-serialised).
 * 200 for everything taken in, duplicates included, so the provider stops retrying; 400 for a
 * signature that does not verify or a stale timestamp. A database failure is 500 and the provider retries.
 */
@Path("/api/webhooks")
@PermitAll
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    @Inject
    WebhookService webhooks;

    @POST
    @Path("/stripe")
    public WebhookOutcome stripe(@HeaderParam("Stripe-Signature") String signature, byte[] body) {
        return answer(webhooks.stripe(body == null ? new byte[0] : body, signature));
    }

    @POST
    @Path("/razorpay")
    public WebhookOutcome razorpay(@HeaderParam("X-Razorpay-Signature") String signature,
            @HeaderParam("X-Razorpay-Event-Id") String eventId, byte[] body) {
        return answer(webhooks.razorpay(body == null ? new byte[0] : body, signature, eventId));
    }

    private static WebhookOutcome answer(WebhookOutcome outcome) {
        if (outcome.rejected()) {
            throw ProblemException.badRequest(outcome.error());
        }
        return outcome;
    }
}
