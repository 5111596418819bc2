package io.leadline.payments.webhook.rest;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.database.ReactiveContext;
import io.leadline.payments.webhook.service.RefusedWebhooks;
import io.leadline.payments.webhook.service.WebhookService;
import io.leadline.payments.webhook.service.WebhookService.WebhookOutcome;
import io.leadline.shared.web.Problem;
import io.leadline.shared.web.ProblemException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.io.InputStream;

/**
 * Provider callbacks, authenticated by their HMAC signature over the raw body (never re-serialised).
 * In this order, so an anonymous request costs as little as possible: a body over the size limit is
 * 413 (declared length first, then while reading; the body is streamed on a worker thread, this method
 * being blocking, and only what follows runs on the event loop, where Hibernate Reactive records it);
 * a signature that does not verify or a stale timestamp is 400, only counted; only then is the body
 * parsed. 200 for every verified event taken in, duplicates included, so the provider stops retrying;
 * 400 for a verified event we cannot read. The database unreachable is 503 (problem+json) and the provider
 * retries; a retry of an event that did commit is answered as a duplicate.
 */
@Path("/api/webhooks")
@PermitAll
@Blocking
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    @Inject
    WebhookService webhooks;

    @Inject
    RefusedWebhooks refused;

    @Inject
    PaymentsConfig config;

    @Inject
    Vertx vertx;

    @POST
    @Path("/stripe")
    @RequestBody(required = true, description = "Stripe's event object, exactly as signed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Uni<WebhookOutcome> stripe(@HeaderParam("Stripe-Signature") String signature,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String length, InputStream body) {
        byte[] read = read("stripe", length, body);
        return answer(ReactiveContext.run(vertx, () -> webhooks.stripe(read, signature)));
    }

    /** Razorpay's {@code X-Razorpay-Event-Id} header is not signed and not used: the event's identity comes from its body. */
    @POST
    @Path("/razorpay")
    @RequestBody(required = true, description = "Razorpay's event, exactly as signed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public Uni<WebhookOutcome> razorpay(@HeaderParam("X-Razorpay-Signature") String signature,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String length, InputStream body) {
        byte[] read = read("razorpay", length, body);
        return answer(ReactiveContext.run(vertx, () -> webhooks.razorpay(read, signature)));
    }

    private byte[] read(String provider, String length, InputStream body) {
        long max = config.webhook().maxBodySize().asLongValue();
        try {
            return WebhookBodies.read(length, body, max);
        } catch (WebhookBodies.TooLarge e) {
            refused.refused(provider, "too_large");
            throw new ProblemException(Problem.of(413, "Content Too Large",
                    "the webhook body is larger than " + max + " bytes", null));
        }
    }

    private static Uni<WebhookOutcome> answer(Uni<WebhookOutcome> outcome) {
        return outcome.invoke(answered -> {
            if (answered.rejected()) {
                throw ProblemException.badRequest(answered.error());
            }
        });
    }
}
