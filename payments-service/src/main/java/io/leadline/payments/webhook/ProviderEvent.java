package io.leadline.payments.webhook;

/**
 * A verified provider event reduced to what it asks of us. {@code amount} (minor units: cents, paise)
 * and {@code currency} (upper-case ISO code) are what the provider charged or refunded; every event
 * we act on carries both. For a refund, {@code cumulative} says whether the amount is the total
 * refunded so far (Stripe) or this refund alone (Razorpay), and {@code refundKey} identifies it.
 */
public record ProviderEvent(String provider, String eventId, String type, Action action, String reference,
        Long amount, String currency, String failureReason, String refundKey, boolean cumulative) {

    public enum Action { SUCCEEDED, FAILED, REFUNDED, IGNORED }
}
