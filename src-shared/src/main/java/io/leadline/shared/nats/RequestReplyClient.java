package io.leadline.shared.nats;

import io.leadline.shared.database.ReactiveContext;
import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Asks another service over NATS request-reply, the asking side of {@link ReactiveResponder}. Every way
 * of getting no usable answer — time-out, no responder, a status message, an empty body (a responder
 * that could not answer), a body that is not the expected reply, the connection down — is the same
 * empty result. Some of them prove the request was not acted on (no responder; a responder that turned
 * it away), others do not (a time-out, the connection lost after sending); every caller today treats
 * all of them as "outcome unknown", which is always safe, so they are not told apart. Nothing waits:
 * the answer completes within the time-out.
 */
@Singleton
public class RequestReplyClient {

    private static final Logger LOG = Logger.getLogger(RequestReplyClient.class);

    private final Connection nats;

    @Inject
    public RequestReplyClient(Connection nats) {
        this.nats = nats;
    }

    /**
     * {@link #requestAsync} as a {@link Uni} whose answer arrives on the caller's Vert.x context, where its
     * Hibernate Reactive session lives (the reply itself completes on a NATS thread); it never fails.
     */
    public <T> Uni<Optional<T>> ask(String subject, Object request, Class<T> replyType, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            Executor caller = ReactiveContext.caller();
            return Uni.createFrom().completionStage(() -> requestAsync(subject, request, replyType, timeout))
                    .emitOn(caller);
        });
    }

    /**
     * The decoded answer to {@code request} on {@code subject}, or empty when there is no usable one, without
     * blocking a thread: completes on a NATS thread, never exceptionally.
     */
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
