package io.leadline.payments.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.money.Money;
import io.leadline.payments.webhook.ProviderEvent;
import io.leadline.payments.webhook.ProviderEvent.Action;

/**
 * Reads the parts of Stripe and Razorpay event payloads that we act on. An event we act on must name
 * its payment and carry the amount (an integer in minor units) and the currency: without them it
 * could settle a payment it does not match, so it is {@link Malformed}.
 */
public final class ProviderEvents {

    /** The payload lacks something we need; the message says what. */
    public static final class Malformed extends RuntimeException {

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private ProviderEvents() {
    }

    public static ProviderEvent stripe(JsonNode event) {
        String id = text(event.path("id"));
        String type = text(event.path("type"));
        if (id == null || type == null) {
            throw new Malformed("malformed event: id and type are required");
        }
        JsonNode object = event.path("data").path("object");
        String where = "data.object.";
        return switch (type) {
            case "payment_intent.succeeded" -> new ProviderEvent("stripe", id, type, Action.SUCCEEDED,
                    required(object, "id", where), amount(object, "amount", where), currency(object, where), null,
                    null, false);
            case "payment_intent.payment_failed" -> new ProviderEvent("stripe", id, type, Action.FAILED,
                    required(object, "id", where), amount(object, "amount", where), currency(object, where),
                    text(object.path("last_payment_error").path("message")), null, false);
            case "charge.refunded" -> {
                long refunded = amount(object, "amount_refunded", where);
                yield new ProviderEvent("stripe", id, type, Action.REFUNDED, required(object, "payment_intent", where),
                        refunded, currency(object, where), null,
                        "stripe:" + required(object, "id", where) + ":" + refunded, true);
            }
            default -> new ProviderEvent("stripe", id, type, Action.IGNORED, null, null, null, null, null, false);
        };
    }

    /** {@code eventId} identifies the event, for idempotency; Razorpay's body has none of its own. */
    public static ProviderEvent razorpay(JsonNode event, String eventId) {
        String type = text(event.path("event"));
        if (type == null) {
            throw new Malformed("malformed event: event is required");
        }
        JsonNode payment = event.path("payload").path("payment").path("entity");
        JsonNode refund = event.path("payload").path("refund").path("entity");
        String paymentAt = "payload.payment.entity.";
        String refundAt = "payload.refund.entity.";
        return switch (type) {
            case "payment.captured" -> new ProviderEvent("razorpay", eventId, type, Action.SUCCEEDED,
                    required(payment, "id", paymentAt), amount(payment, "amount", paymentAt),
                    currency(payment, paymentAt), null, null, false);
            case "payment.failed" -> new ProviderEvent("razorpay", eventId, type, Action.FAILED,
                    required(payment, "id", paymentAt), amount(payment, "amount", paymentAt),
                    currency(payment, paymentAt), text(payment.path("error_description")), null, false);
            case "refund.processed" -> new ProviderEvent("razorpay", eventId, type, Action.REFUNDED,
                    required(refund, "payment_id", refundAt), amount(refund, "amount", refundAt),
                    currency(refund, refundAt), null, "razorpay:" + required(refund, "id", refundAt), false);
            default -> new ProviderEvent("razorpay", eventId, type, Action.IGNORED, null, null, null, null, null, false);
        };
    }

    private static String required(JsonNode object, String field, String where) {
        String value = text(object.path(field));
        if (value == null) {
            throw new Malformed("malformed event: " + where + field + " is required");
        }
        return value;
    }

    /** A positive integer in minor units; a fraction or a string is not an amount. */
    private static long amount(JsonNode object, String field, String where) {
        JsonNode node = object.path(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
            throw new Malformed("malformed event: " + where + field
                    + " is required, a positive integer in the currency's minor units");
        }
        return node.asLong();
    }

    private static String currency(JsonNode object, String where) {
        String currency = Money.normalize(text(object.path("currency")));
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new Malformed("malformed event: " + where + "currency is required, a three-letter ISO code");
        }
        return currency;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}
