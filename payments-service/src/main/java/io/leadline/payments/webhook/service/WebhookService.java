package io.leadline.payments.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.config.PaymentsConfig;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * Verifies, records and applies provider webhooks. A verified event is processed in one transaction
 * with its record and its monitor events, once per provider event id; a replay is acknowledged and
 * changes nothing. A refused webhook (bad signature, stale timestamp, malformed payload) is recorded
 * as failed in its own transaction and answered 400.
 */
@ApplicationScoped
public class WebhookService {

    /** {@code status}: processed, ignored, failed, duplicate or rejected (the only one answered 400). */
    public record WebhookOutcome(String status, String error) {

        public boolean rejected() {
            return "rejected".equals(status);
        }
    }

    @Inject
    PaymentsConfig config;

    @Inject
    WebhookProcessor processor;

    public WebhookOutcome stripe(byte[] body, String signature) {
        PaymentsConfig.Webhook settings = config.webhook();
        String invalid = WebhookSignatures.verifyStripe(signature, body, settings.stripeSecret(), settings.tolerance(),
                Instant.now());
        JsonNode tree = parse(body);
        if (invalid != null) {
            return processor.reject("stripe", null, tree, invalid, body);
        }
        if (tree == null) {
            return processor.reject("stripe", null, null, "malformed event: not a JSON object", body);
        }
        try {
            return processor.process(ProviderEvents.stripe(tree), body);
        } catch (ProviderEvents.Malformed e) {
            return processor.reject("stripe", null, tree, e.getMessage(), body);
        }
    }

    public WebhookOutcome razorpay(byte[] body, String signature, String eventId) {
        String invalid = WebhookSignatures.verifyRazorpay(signature, body, config.webhook().razorpaySecret());
        JsonNode tree = parse(body);
        if (invalid != null) {
            return processor.reject("razorpay", eventId, tree, invalid, body);
        }
        if (tree == null) {
            return processor.reject("razorpay", eventId, null, "malformed event: not a JSON object", body);
        }
        String id = eventId == null || eventId.isBlank() ? null : eventId.trim();
        if (id == null && tree.path("id").isTextual() && !tree.path("id").asText().isBlank()) {
            id = tree.path("id").asText();
        }
        if (id == null) {
            return processor.reject("razorpay", null, tree, "malformed event: X-Razorpay-Event-Id is required", body);
        }
        try {
            return processor.process(ProviderEvents.razorpay(tree, id), body);
        } catch (ProviderEvents.Malformed e) {
            return processor.reject("razorpay", eventId, tree, e.getMessage(), body);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode tree = JsonCodec.tree(body);
            return tree != null && tree.isObject() ? tree : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

}
