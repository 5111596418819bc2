package io.leadline.payments.wallet.service;

import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.VoidRequest;

/** Checks of NATS wallet requests; an invalid one is answered {@code invalid_request} and never stored. */
public final class WalletRequests {

    static final int MAX_KEY_LENGTH = 200;
    static final int MAX_TEXT_LENGTH = 500;

    private WalletRequests() {
    }

    /** Null when valid, else what is wrong. */
    public static String validate(DebitRequest request, long maxAmount) {
        if (request == null) {
            return "missing request";
        }
        return validate(request.userId(), request.amount(), request.idempotencyKey(), request.reference(), maxAmount);
    }

    public static String validate(VoidRequest request, long maxAmount) {
        if (request == null) {
            return "missing request";
        }
        return validate(request.userId(), request.amount(), request.idempotencyKey(), request.reference(), maxAmount);
    }

    public static String validate(CreditRequest request, long maxAmount) {
        if (request == null) {
            return "missing request";
        }
        if (request.reason() != null && request.reason().length() > MAX_TEXT_LENGTH) {
            return "reason too long";
        }
        return validate(request.userId(), request.amount(), request.idempotencyKey(), request.reference(), maxAmount);
    }

    private static String validate(String userId, long amount, String key, String reference, long maxAmount) {
        if (userId == null || !userId.matches("[1-9][0-9]{0,17}")) {
            return "user_id must be a positive number";
        }
        if (amount <= 0 || amount > maxAmount) {
            return "amount must be between 1 and " + maxAmount;
        }
        if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return "idempotency_key must be 1 to " + MAX_KEY_LENGTH + " characters";
        }
        if (reference != null && reference.length() > MAX_TEXT_LENGTH) {
            return "reference too long";
        }
        return null;
    }
}
