package io.leadline.payments.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.webhook.ProviderEvent;
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
        ProviderEvent event = tree == null ? null : ProviderEvents.stripe(tree);
        return event == null ? processor.reject("stripe", null, tree, "malformed event: id and type are required", body)
                : processor.process(event, body);
    }

    public WebhookOutcome razorpay(byte[] body, String signature, String eventId) {
        String invalid = WebhookSignatures.verifyRazorpay(signature, body, config.webhook().razorpaySecret());
        JsonNode tree = parse(body);
        if (invalid != null) {
            return processor.reject("razorpay", eventId, tree, invalid, body);
        }
        ProviderEvent event = tree == null ? null : ProviderEvents.razorpay(tree, eventId);
        return event == null ? processor.reject("razorpay", eventId, tree, "malformed event: event and X-Razorpay-Event-Id are required", body)
                : processor.process(event, body);
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
