package io.leadline.shared.nats;

import io.leadline.shared.database.ReactiveContext;
import io.leadline.shared.json.JsonCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Asks another service over NATS request-reply, the asking side of {@link ReactiveResponder}. Every way
 * of getting no usable answer — time-out, no responder, a status message, an empty body (a responder
 * that could not answer), a body that is not the expected reply, the connection down — is an empty
 * result. One of them is told apart ({@link Answer#noResponders}): the server reported that nobody
 * subscribes to the subject, so nobody received the request and it was certainly not acted on (the
 * connection is built with {@code reportNoResponders}, so that this is not the same exception as a
 * time-out). The others do not prove anything either way and mean "outcome unknown". Nothing waits: the
 * answer completes within the time-out, and at once when there is no responder.
 */
@Singleton
public class RequestReplyClient {

    private static final Logger LOG = Logger.getLogger(RequestReplyClient.class);

    /** What came back: the decoded reply, or none; {@code noResponders} when nobody received the request. */
    public record Answer<T>(Optional<T> reply, boolean noResponders) {

        static <T> Answer<T> unknown() {
            return new Answer<>(Optional.empty(), false);
        }
    }

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
        return call(subject, request, replyType, timeout).map(Answer::reply);
    }

    /** {@link #ask}, telling "nobody received it" apart from other missing answers. */
    public <T> Uni<Answer<T>> call(String subject, Object request, Class<T> replyType, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            Executor caller = ReactiveContext.caller();
            return Uni.createFrom().completionStage(() -> answerAsync(subject, request, replyType, timeout))
                    .emitOn(caller);
        });
    }

    /**
     * The decoded answer to {@code request} on {@code subject}, or empty when there is no usable one, without
     * blocking a thread: completes on a NATS thread, never exceptionally.
     */
    public <T> CompletionStage<Optional<T>> requestAsync(String subject, Object request, Class<T> replyType,
            Duration timeout) {
        return answerAsync(subject, request, replyType, timeout).thenApply(Answer::reply);
    }

    private <T> CompletionStage<Answer<T>> answerAsync(String subject, Object request, Class<T> replyType,
            Duration timeout) {
        CompletableFuture<Message> reply;
        try {
            reply = nats.requestWithTimeout(subject, JsonCodec.encode(request), timeout);
        } catch (RuntimeException e) {
            LOG.warnf("request on %s failed: %s", subject, e.toString());
            return CompletableFuture.completedFuture(Answer.unknown());
        }
        return reply.handle((message, failure) -> {
            if (failure != null) {
                if (isNoResponders(failure)) {
                    LOG.debugf("no responders on %s", subject);
                    return new Answer<>(Optional.<T>empty(), true);
                }
                LOG.warnf("request on %s failed: %s", subject, failure.toString());
                return Answer.unknown();
            }
            if (message != null && message.isStatusMessage() && message.getStatus().isNoResponders()) {
                return new Answer<>(Optional.<T>empty(), true);
            }
            return new Answer<>(answerIn(message, subject, replyType, timeout), false);
        });
    }

    private static boolean isNoResponders(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof JetStreamStatusException status && status.getStatus() != null
                && status.getStatus().isNoResponders();
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
