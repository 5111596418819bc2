package io.leadline.notify.session;

import io.netty.channel.ChannelHandlerContext;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.impl.WebSocketImplBase;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * The Netty channel context under a websockets-next connection. The gateway writes shared,
 * pre-encoded event frames straight to it (one encoding per event for all subscribers, flushes
 * coalesced per event loop) and reads its outbound buffer to bound each client's backlog; the
 * websockets-next API only offers a String encoded per connection.
 */
final class RawSockets {

    private static final MethodHandle WEB_SOCKET;
    private static final String WRAPPER = "io.vertx.ext.web.impl.ServerWebSocketWrapper";
    private static final MethodHandle WRAPPED;

    static {
        try {
            Class<?> base = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionBase");
            Method method = base.getDeclaredMethod("webSocket");
            method.setAccessible(true);
            WEB_SOCKET = MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(Object.class, WebSocketConnection.class));
            java.lang.reflect.Field delegate = Class.forName(WRAPPER).getDeclaredField("delegate");
            delegate.setAccessible(true);
            WRAPPED = MethodHandles.lookup().unreflectGetter(delegate)
                    .asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RawSockets() {
    }

    static ChannelHandlerContext contextOf(WebSocketConnection connection) {
        return socketOf(connection).channelHandlerContext();
    }

    /** The Vert.x socket under a websockets-next connection. */
    static WebSocketImplBase<?> socketOf(WebSocketConnection connection) {
        try {
            Object socket = WEB_SOCKET.invokeExact(connection);
            while (!(socket instanceof WebSocketImplBase<?>) && socket.getClass().getName().equals(WRAPPER)) {
                socket = (Object) WRAPPED.invokeExact(socket);
            }
            return (WebSocketImplBase<?>) socket;
        } catch (Throwable e) {
            throw new IllegalStateException("no Netty channel under " + connection.id(), e);
        }
    }
}
