package io.leadline.bench;

/** Publishes one event text to a server, asynchronously. */
interface Publisher extends AutoCloseable {

    void publish(String id, byte[] body);

    /** The text of event {@code n} created at {@code ts}: the leadline envelope unless the target needs another. */
    default byte[] body(String id, long ts, long n) {
        return Payload.envelope(id, ts, n);
    }

    @FunctionalInterface
    interface Body {
        byte[] of(String id, long ts, long n);
    }

    /** Publishes that failed (refused, timed out, HTTP error). */
    long errors();

    /** Publishes not yet acknowledged, where the protocol acknowledges them. */
    long outstanding();

    @Override
    void close();
}
