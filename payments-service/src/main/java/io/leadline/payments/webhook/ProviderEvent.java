package io.leadline.payments.webhook;

/**
 * A verified provider event reduced to what it asks of us. {@code minorAmount} is in cents or paise;
 * for a refund, {@code cumulative} says whether it is the total refunded so far (Stripe) or this
 * refund alone (Razorpay), and {@code refundKey} identifies it.
 */
public record ProviderEvent(String provider, String eventId, String type, Action action, String reference,
        Long minorAmount, String failureReason, String refundKey, boolean cumulative) {

    public enum Action { SUCCEEDED, FAILED, REFUNDED, IGNORED }
}
