package io.leadline.bench;

/** Publishes one event text to a server, asynchronously. */
interface Publisher extends AutoCloseable {

    void publish(String id, byte[] body);

    /** Publishes that failed (refused, timed out, HTTP error). */
    long errors();

    /** Publishes not yet acknowledged, where the protocol acknowledges them. */
    long outstanding();

    @Override
    void close();
}
