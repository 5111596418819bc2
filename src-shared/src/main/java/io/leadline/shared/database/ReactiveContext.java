package io.leadline.shared.database;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Hibernate Reactive runs a session's work only on the Vert.x event loop of its context, a duplicated
 * context flagged safe. Work that leaves it (an answer completing on a NATS thread, a blocking call on a
 * worker, a timer) comes back through {@link #caller()} or {@link #of(Context)}; a blocking method that
 * must start reactive work hands it to {@link #run}.
 */
public final class ReactiveContext {

    private ReactiveContext() {
    }

    /** Runs what it is given on the calling thread's Vert.x context, or where it arrives when there is none. */
    public static Executor caller() {
        Context context = Vertx.currentContext();
        return context == null ? Runnable::run : of(context);
    }

    /** Runs what it is given on {@code context}: for {@code emitOn} after work that left it. */
    public static Executor of(Context context) {
        return task -> context.runOnContext(ignored -> task.run());
    }

    /** The caller's Vert.x context (the caller is on one: a REST method, a scheduled job, a responder). */
    public static Context current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("not on a Vert.x context");
        }
        return context;
    }

    /**
     * Assembles and subscribes {@code work} on an event loop: on the caller's duplicated context when it has
     * one, else on a new one flagged safe. For a blocking method (a worker thread) that returns a {@link Uni}.
     */
    public static <T> Uni<T> run(Vertx vertx, Supplier<Uni<T>> work) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || !VertxContext.isDuplicatedContext(context)) {
            context = VertxContext.createNewDuplicatedContext(((VertxInternal) vertx).createEventLoopContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
        }
        return Uni.createFrom().<T>deferred(() -> work.get()).runSubscriptionOn(of(context));
    }
}
