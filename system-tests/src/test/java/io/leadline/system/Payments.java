package io.leadline.system;

import io.leadline.system.harness.Platform;
import io.leadline.system.harness.WebhookSecrets;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Payment calls of payments-service's REST API and signed provider webhooks, as the system tests use them. */
final class Payments {

    private Payments() {
    }

    /** POST /api/wallet/top-ups: a pending top-up of {@code credits} in USD; the created payment. */
    static JsonPath topUp(Platform platform, String token, long credits, String provider) {
        return given().baseUri(platform.payments().baseUri().toString()).auth().oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("amount", credits, "provider", provider, "currency", "USD"))
                .when().post("/api/wallet/top-ups")
                .then().statusCode(201).extract().jsonPath();
    }

    /** POST /api/webhooks/stripe with this body and Stripe-Signature header. */
    static ValidatableResponse stripe(Platform platform, String body, String signature) {
        return given().baseUri(platform.payments().baseUri().toString()).header("Stripe-Signature", signature)
                .contentType("application/json; charset=utf-8").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/webhooks/stripe").then();
    }

    /** A Stripe webhook for {@code body}, signed now with the run's secret. */
    static ValidatableResponse stripeSignedNow(Platform platform, String body) {
        return stripe(platform, body, stripeSignature(Instant.now().getEpochSecond(), body));
    }

    /** POST /api/payments/{id}/refund as an admin, whatever the answer; {@code amount} null refunds the rest. */
    static Response refund(Platform platform, String adminToken, long paymentId, BigDecimal amount, String reason,
            String idempotencyKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (amount != null) {
            body.put("amount", amount);
        }
        body.put("reason", reason);
        return given().baseUri(platform.payments().baseUri().toString()).auth().oauth2(adminToken)
                .header("Idempotency-Key", idempotencyKey).contentType(ContentType.JSON).body(body)
                .when().post("/api/payments/{id}/refund", paymentId);
    }

    /** The body of Stripe's payment_intent.succeeded event. */
    static String stripeSucceeded(String eventId, String intent, long amountMinor) {
        return "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\","
                + "\"data\":{\"object\":{\"id\":\"" + intent + "\",\"object\":\"payment_intent\",\"amount\":"
                + amountMinor + ",\"currency\":\"usd\"}}}";
    }

    static String stripeSignature(long timestamp, String body) {
        return "t=" + timestamp + ",v1=" + hex(hmac(WebhookSecrets.STRIPE, timestamp + "." + body));
    }

    static String razorpaySignature(String body) {
        return hex(hmac(WebhookSecrets.RAZORPAY, body));
    }

    static byte[] hmac(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
