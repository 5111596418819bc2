package io.leadline.payments.webhook.service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Provider signature checks over the raw request body; each returns null when valid, else a
 * {@link Failure}: {@code reason} is a short tag for metrics (missing, malformed, stale, mismatch),
 * {@code message} what the caller is told.
 */
public final class WebhookSignatures {

    public record Failure(String reason, String message) {
    }

    private WebhookSignatures() {
    }

    /** {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">[,v1=…]}. */
    public static Failure verifyStripe(String header, byte[] body, String secret, Duration tolerance, Instant now) {
        if (header == null || header.isBlank()) {
            return new Failure("missing", "missing Stripe-Signature header");
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return new Failure("malformed", "malformed Stripe-Signature timestamp");
                }
            } else if (key.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            return new Failure("malformed", "malformed Stripe-Signature header");
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return new Failure("stale", "Stripe-Signature timestamp outside the tolerance");
        }
        byte[] expected = hmac(secret, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
        for (String signature : signatures) {
            if (matches(expected, signature)) {
                return null;
            }
        }
        return new Failure("mismatch", "Stripe-Signature does not match");
    }

    /** {@code X-Razorpay-Signature: <hex HMAC-SHA256 of the body>}. */
    public static Failure verifyRazorpay(String header, byte[] body, String secret) {
        if (header == null || header.isBlank()) {
            return new Failure("missing", "missing X-Razorpay-Signature header");
        }
        return matches(hmac(secret, body), header.trim()) ? null
                : new Failure("mismatch", "X-Razorpay-Signature does not match");
    }

    public static String stripeHeader(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1="
                + HexFormat.of().formatHex(hmac(secret, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
    }

    public static String razorpayHeader(String secret, byte[] body) {
        return HexFormat.of().formatHex(hmac(secret, body));
    }

    private static boolean matches(byte[] expected, String hex) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given); // constant time
    }

    private static byte[] hmac(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
