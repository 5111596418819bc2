package io.leadline.payments.support;

import io.leadline.payments.webhook.service.WebhookSignatures;
import io.restassured.response.ValidatableResponse;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Sends provider webhooks signed the way Stripe and Razorpay sign them. */
public final class Webhooks {

    private Webhooks() {
    }

    public static String stripeSecret() {
        return ConfigProvider.getConfig().getValue("leadline.payments.webhook.stripe-secret", String.class);
    }

    public static String razorpaySecret() {
        return ConfigProvider.getConfig().getValue("leadline.payments.webhook.razorpay-secret", String.class);
    }

    public static ValidatableResponse stripe(String body) {
        return stripe(body, WebhookSignatures.stripeHeader(stripeSecret(), Instant.now().getEpochSecond(),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    public static ValidatableResponse stripe(String body, String signature) {
        return given().header("Stripe-Signature", signature).contentType("application/json; charset=utf-8")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/webhooks/stripe").then();
    }

    public static ValidatableResponse razorpay(String body, String eventId) {
        return razorpay(body, eventId, WebhookSignatures.razorpayHeader(razorpaySecret(),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    public static ValidatableResponse razorpay(String body, String eventId, String signature) {
        return given().header("X-Razorpay-Signature", signature).header("X-Razorpay-Event-Id", eventId)
                .contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/webhooks/razorpay").then();
    }

    public static String eventId(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** A Stripe payment_intent event in USD (Stripe writes currencies in lower case). */
    public static String stripeIntent(String eventId, String type, String intent, long amountMinor) {
        return stripeIntent(eventId, type, intent, amountMinor, "usd");
    }

    public static String stripeIntent(String eventId, String type, String intent, long amountMinor, String currency) {
        return "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"data\":{\"object\":"
                + "{\"id\":\"" + intent + "\",\"object\":\"payment_intent\",\"amount\":" + amountMinor
                + ",\"currency\":\"" + currency + "\",\"last_payment_error\":{\"message\":\"card declined\"}}}}";
    }

    public static String stripeChargeRefunded(String eventId, String intent, long amountRefundedMinor) {
        return "{\"id\":\"" + eventId + "\",\"type\":\"charge.refunded\",\"data\":{\"object\":{\"id\":\"ch_"
                + intent.substring(3) + "\",\"object\":\"charge\",\"payment_intent\":\"" + intent
                + "\",\"amount_refunded\":" + amountRefundedMinor + ",\"currency\":\"usd\"}}}";
    }

    public static String razorpayPayment(String type, String paymentId, long amountMinor, String currency) {
        return "{\"entity\":\"event\",\"event\":\"" + type + "\",\"contains\":[\"payment\"],\"payload\":{\"payment\":"
                + "{\"entity\":{\"id\":\"" + paymentId + "\",\"amount\":" + amountMinor
                + ",\"currency\":\"" + currency + "\",\"error_description\":\"bank declined\"}}},\"created_at\":1700000000}";
    }

    public static String razorpayRefund(String refundId, String paymentId, long amountMinor, String currency) {
        return "{\"entity\":\"event\",\"event\":\"refund.processed\",\"contains\":[\"refund\"],\"payload\":{\"refund\":"
                + "{\"entity\":{\"id\":\"" + refundId + "\",\"payment_id\":\"" + paymentId + "\",\"amount\":"
                + amountMinor + ",\"currency\":\"" + currency + "\"}}}}";
    }
}
