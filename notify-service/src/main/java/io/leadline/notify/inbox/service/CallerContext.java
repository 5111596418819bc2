package io.leadline.notify.inbox.service;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.Executor;

/**
 * Brings an item that arrives on a NATS or timer thread back to the Vert.x context of the request that
 * waits for it: Hibernate Reactive runs a session's work only there.
 */
final class CallerContext {

    private CallerContext() {
    }

    /** The calling thread's Vert.x context; wherever the item arrives when the caller has none. */
    static Executor current() {
        Context context = Vertx.currentContext();
        return context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
    }
}
