package io.leadline.shared.nats;

import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.Message;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asks another service over NATS request-reply, the asking side of {@link BlockingResponder}. Every way
 * of getting no usable answer — time-out, no responder, a status message, an empty body (a responder
 * that could not answer), a body that is not the expected reply, the connection down — is the same
 * empty result. Some of them prove the request was not acted on (no responder; a responder that turned
 * it away), others do not (a time-out, the connection lost after sending); every caller today treats
 * all of them as "outcome unknown", which is always safe, so they are not told apart. Blocks for at
 * most the time-out: call it off the event loop, or use {@link #requestAsync}.
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
        return answerIn(reply, subject, replyType, timeout);
    }

    /** {@link #request} without blocking a thread: completes with the same result, never exceptionally. */
    public <T> CompletionStage<Optional<T>> requestAsync(String subject, Object request, Class<T> replyType,
            Duration timeout) {
        CompletableFuture<Message> reply;
        try {
            reply = nats.requestWithTimeout(subject, JsonCodec.encode(request), timeout);
        } catch (RuntimeException e) {
            LOG.warnf("request on %s failed: %s", subject, e.toString());
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return reply.handle((message, failure) -> {
            if (failure != null) {
                LOG.warnf("request on %s failed: %s", subject, failure.toString());
                return Optional.empty();
            }
            return answerIn(message, subject, replyType, timeout);
        });
    }

    private static <T> Optional<T> answerIn(Message reply, String subject, Class<T> replyType, Duration timeout) {
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
