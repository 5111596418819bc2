package io.leadline.notify.session;

import java.time.Duration;

/**
 * A token bucket refilled continuously: at most {@code capacity} tokens, one more every
 * {@code refill}. Used per connection, for inbound frames and for {@code since} subscriptions.
 */
public final class TokenBucket {

    private final int capacity;
    private final double tokensPerNano;
    private double tokens;
    private long lastNanos = System.nanoTime();

    TokenBucket(int capacity, Duration refill) {
        this.capacity = Math.max(1, capacity);
        this.tokensPerNano = 1.0 / Math.max(1, refill.toNanos());
        this.tokens = this.capacity;
    }

    /** {@code perSecond} tokens a second, bursts of the same size. */
    public static TokenBucket perSecond(int perSecond) {
        return new TokenBucket(perSecond, Duration.ofNanos(1_000_000_000L / Math.max(1, perSecond)));
    }

    public synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastNanos) * tokensPerNano);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
