package io.leadline.payments.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a Razorpay event, for idempotency, taken from the signed body. Razorpay puts its
 * event id only in the {@code X-Razorpay-Event-Id} header, which the signature does not cover: anyone
 * replaying a genuine body under a fresh header would get it processed again. The body names the
 * entity the event is about ({@code payment.captured} → {@code payload.payment.entity.id}), and an
 * entity has each such event once, so {@code <event>:<entity id>} identifies it
 * ({@code payment.captured:pay_…}, {@code refund.processed:rfnd_…}). A body without that falls back to
 * {@code sha256:<hex of the body>}: only a byte-identical body is a duplicate.
 */
public final class RazorpayEventIds {

    private static final int MAX_ID = 100;

    private RazorpayEventIds() {
    }

    public static String of(JsonNode event, byte[] body) {
        String type = text(event.path("event"));
        if (type != null && type.indexOf('.') > 0) {
            String entity = type.substring(0, type.indexOf('.'));
            String id = text(event.path("payload").path(entity).path("entity").path("id"));
            if (id != null && type.length() + id.length() < MAX_ID) {
                return type + ":" + id;
            }
        }
        return "sha256:" + sha256(body);
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText().trim() : null;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
