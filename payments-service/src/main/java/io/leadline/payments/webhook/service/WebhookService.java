package io.leadline.payments.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.json.JsonCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * Verifies, records and applies provider webhooks, verifying first. A request whose signature does not
 * verify (or whose Stripe timestamp is stale) is refused before its body is parsed: not stored, not
 * announced, only counted ({@link RefusedWebhooks}). A verified event is processed in one transaction
 * with its record and its monitor events, once per event id; a replay is acknowledged and changes
 * nothing. A verified event we cannot read (malformed, no amount or currency) is recorded as
 * rejected, announced, and answered 400.
 */
@ApplicationScoped
public class WebhookService {

    /** {@code status}: processed, ignored, failed, duplicate or rejected (the only one answered 400). */
    public record WebhookOutcome(String status, String error) {

        static WebhookOutcome refused(String error) {
            return new WebhookOutcome("rejected", error);
        }

        public boolean rejected() {
            return "rejected".equals(status);
        }
    }

    @Inject
    PaymentsConfig config;

    @Inject
    WebhookProcessor processor;

    @Inject
    RefusedWebhooks refused;

    public Uni<WebhookOutcome> stripe(byte[] body, String signature) {
        PaymentsConfig.Webhook settings = config.webhook();
        WebhookSignatures.Failure invalid = WebhookSignatures.verifyStripe(signature, body, settings.stripeSecret(),
                settings.tolerance(), Instant.now());
        if (invalid != null) {
            return refuse("stripe", invalid);
        }
        JsonNode tree = parse(body);
        if (tree == null) {
            return processor.reject("stripe", null, null, "malformed event: not a JSON object", body);
        }
        try {
            return processor.process(ProviderEvents.stripe(tree), body);
        } catch (ProviderEvents.Malformed e) {
            return processor.reject("stripe", label(tree.path("id")), tree, e.getMessage(), body);
        }
    }

    public Uni<WebhookOutcome> razorpay(byte[] body, String signature) {
        WebhookSignatures.Failure invalid = WebhookSignatures.verifyRazorpay(signature, body,
                config.webhook().razorpaySecret());
        if (invalid != null) {
            return refuse("razorpay", invalid);
        }
        JsonNode tree = parse(body);
        if (tree == null) {
            return processor.reject("razorpay", null, null, "malformed event: not a JSON object", body);
        }
        String eventId = RazorpayEventIds.of(tree, body);
        try {
            return processor.process(ProviderEvents.razorpay(tree, eventId), body);
        } catch (ProviderEvents.Malformed e) {
            return processor.reject("razorpay", eventId, tree, e.getMessage(), body);
        }
    }

    private Uni<WebhookOutcome> refuse(String provider, WebhookSignatures.Failure failure) {
        refused.refused(provider, failure.reason());
        return Uni.createFrom().item(WebhookOutcome.refused(failure.message()));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode tree = JsonCodec.tree(body);
            return tree != null && tree.isObject() ? tree : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String label(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}
