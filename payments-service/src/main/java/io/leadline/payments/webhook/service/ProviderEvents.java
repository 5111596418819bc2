package io.leadline.payments.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.webhook.ProviderEvent;
import io.leadline.payments.webhook.ProviderEvent.Action;

/** Reads the parts of Stripe and Razorpay event payloads that we act on. */
public final class ProviderEvents {

    private ProviderEvents() {
    }

    /** Null when the payload has no event id or type. */
    public static ProviderEvent stripe(JsonNode event) {
        String id = text(event.path("id"));
        String type = text(event.path("type"));
        if (id == null || type == null) {
            return null;
        }
        JsonNode object = event.path("data").path("object");
        return switch (type) {
            case "payment_intent.succeeded" -> new ProviderEvent("stripe", id, type, Action.SUCCEEDED,
                    text(object.path("id")), number(object.path("amount")), null, null, false);
            case "payment_intent.payment_failed" -> new ProviderEvent("stripe", id, type, Action.FAILED,
                    text(object.path("id")), null, text(object.path("last_payment_error").path("message")), null, false);
            case "charge.refunded" -> new ProviderEvent("stripe", id, type, Action.REFUNDED,
                    text(object.path("payment_intent")), number(object.path("amount_refunded")), null,
                    "stripe:" + text(object.path("id")) + ":" + number(object.path("amount_refunded")), true);
            default -> new ProviderEvent("stripe", id, type, Action.IGNORED, null, null, null, null, false);
        };
    }

    /** Razorpay sends the event id in the {@code X-Razorpay-Event-Id} header. */
    public static ProviderEvent razorpay(JsonNode event, String eventIdHeader) {
        String type = text(event.path("event"));
        String id = eventIdHeader == null || eventIdHeader.isBlank() ? text(event.path("id")) : eventIdHeader.trim();
        if (id == null || type == null) {
            return null;
        }
        JsonNode payment = event.path("payload").path("payment").path("entity");
        JsonNode refund = event.path("payload").path("refund").path("entity");
        return switch (type) {
            case "payment.captured" -> new ProviderEvent("razorpay", id, type, Action.SUCCEEDED,
                    text(payment.path("id")), number(payment.path("amount")), null, null, false);
            case "payment.failed" -> new ProviderEvent("razorpay", id, type, Action.FAILED,
                    text(payment.path("id")), null, text(payment.path("error_description")), null, false);
            case "refund.processed" -> new ProviderEvent("razorpay", id, type, Action.REFUNDED,
                    text(refund.path("payment_id")), number(refund.path("amount")), null,
                    "razorpay:" + text(refund.path("id")), false);
            default -> new ProviderEvent("razorpay", id, type, Action.IGNORED, null, null, null, null, false);
        };
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static Long number(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
    }
}
