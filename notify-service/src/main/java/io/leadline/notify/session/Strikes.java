package io.leadline.notify.session;

import java.time.Duration;

/**
 * Frames refused by the inbound rate limit, counted per connection. Strikes leak away, one per
 * {@code decay}: a connection that bursts now and then is forgiven between bursts, one that keeps
 * flooding gathers strikes faster than they leak and is closed. Confined to the connection's event loop.
 */
final class Strikes {

    private final long decayNanos;
    private int count;
    private long decayedUntil;

    Strikes(Duration decay) {
        this.decayNanos = Math.max(1, decay.toNanos());
    }

    /** Records one strike and returns how many are held now, after forgiving the quiet time since the last. */
    int strike() {
        long now = System.nanoTime();
        if (count == 0) {
            decayedUntil = now;
        } else {
            long forgiven = (now - decayedUntil) / decayNanos;
            if (forgiven >= count) {
                count = 0;
                decayedUntil = now;
            } else if (forgiven > 0) {
                count -= (int) forgiven;
                decayedUntil += forgiven * decayNanos;
            }
        }
        return ++count;
    }
}
