package io.leadline.shared.nats;

import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.Message;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Asks another service over NATS request-reply, the asking side of {@link BlockingResponder}. Every way
 * of getting no usable answer — time-out, no responder, a status message, an empty body (a responder
 * that could not answer), a body that is not the expected reply, the connection down — is the same
 * empty result. Some of them prove the request was not acted on (no responder; a responder that turned
 * it away), others do not (a time-out, the connection lost after sending); every caller today treats
 * all of them as "outcome unknown", which is always safe, so they are not told apart. Blocks for at
 * most the time-out: call it off the event loop.
 */
@Singleton
public class RequestReplyClient {

    private static final Logger LOG = Logger.getLogger(RequestReplyClient.class);

    private final Connection nats;

    @Inject
    public RequestReplyClient(Connection nats) {
        this.nats = nats;
    }

    /** The decoded answer to {@code request} on {@code subject}, or empty when there is no usable one. */
    public <T> Optional<T> request(String subject, Object request, Class<T> replyType, Duration timeout) {
        Message reply;
        try {
            reply = nats.request(subject, JsonCodec.encode(request), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.warnf("request on %s failed: %s", subject, e.toString());
            return Optional.empty();
        }
        if (reply == null || reply.isStatusMessage() || reply.getData() == null || reply.getData().length == 0) {
            LOG.warnf("no answer on %s within %s", subject, timeout);
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JsonCodec.decode(reply.getData(), replyType));
        } catch (RuntimeException e) {
            LOG.warnf("unreadable answer on %s: %s", subject, e.toString());
            return Optional.empty();
        }
    }
}
