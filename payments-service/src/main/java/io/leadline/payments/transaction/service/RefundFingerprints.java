package io.leadline.payments.transaction.service;

import io.leadline.payments.transaction.Refund;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a refund request asked for, as a fingerprint stored with the refund: the payment, the amount
 * asked ({@code *} for "all that is left"; 5 and 5.00 are the same amount) and the reason. An
 * idempotency key replays its refund only for the same fingerprint.
 */
final class RefundFingerprints {

    private RefundFingerprints() {
    }

    static String of(long paymentId, BigDecimal amount, String reason) {
        String asked = amount == null ? "*" : amount.stripTrailingZeros().toPlainString();
        String request = "payment=" + paymentId + "\namount=" + asked + "\nreason=" + (reason == null ? "" : reason);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(request.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refunds recorded before fingerprints existed only know their payment. */
    static boolean sameRequest(Refund earlier, long paymentId, String fingerprint) {
        return earlier.requestFingerprint() == null ? earlier.paymentId() == paymentId
                : earlier.requestFingerprint().equals(fingerprint);
    }
}
