package io.leadline.notify.gateway;

import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.ServerWebSocket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * The Vert.x socket under a websockets-next connection. The gateway writes shared, pre-encoded frames
 * straight to it (one encoding per event for all subscribers) and reads its write-queue state; the
 * websockets-next API only offers per-connection String encoding.
 */
final class RawSockets {

    private static final MethodHandle WEB_SOCKET;

    static {
        try {
            Class<?> base = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionBase");
            Method method = base.getDeclaredMethod("webSocket");
            method.setAccessible(true);
            WEB_SOCKET = MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(Object.class, WebSocketConnection.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RawSockets() {
    }

    static ServerWebSocket of(WebSocketConnection connection) {
        try {
            Object socket = WEB_SOCKET.invokeExact(connection);
            return (ServerWebSocket) socket;
        } catch (Throwable e) {
            throw new IllegalStateException("no Vert.x socket under " + connection.id(), e);
        }
    }
}
