package io.leadline.shared.nats;

/**
 * The JetStream API error codes ({@code JetStreamApiException.getApiErrorCode()}) this code reacts to.
 * The server's HTTP-like code (404, 400) is shared by many different errors; only these tell them apart.
 */
public final class JetStreamErrorCodes {

    /** A direct or last-by-subject get found no message, for example on a subject nothing was published on. */
    public static final int NO_MESSAGE_FOUND = 10037;

    /** A stream of that name exists already with another configuration (someone created it meanwhile). */
    public static final int STREAM_NAME_IN_USE = 10058;

    /** No stream of that name; a key-value bucket's stream counts too. */
    public static final int STREAM_NOT_FOUND = 10059;

    private JetStreamErrorCodes() {
    }
}
