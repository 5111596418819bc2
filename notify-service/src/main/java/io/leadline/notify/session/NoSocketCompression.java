package io.leadline.notify.session;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Singleton;

/**
 * The HTTP server negotiates no WebSocket compression: neither permessage-deflate (RFC 7692) nor the older
 * per-frame deflate ({@code x-webkit-deflate-frame}, {@code deflate-frame}). A client that offers them (every browser
 * offers permessage-deflate) gets a 101 without {@code Sec-WebSocket-Extensions} and talks uncompressed; a frame
 * with RSV1 set is then a protocol error (1002, through {@link FrameFaults}), never inflated.
 *
 * <p>Why: Vert.x has both extensions on by default and builds Netty's handshakers without an inflation limit. Once
 * negotiated, a compressed frame under the 64 KiB frame limit (the limits apply to the bytes on the wire) is inflated
 * whole before anything looks at its size: 60 KB of deflated spaces became 60 MiB, about 100 MB allocated on an
 * event loop for one frame, before Vert.x refused the message as over {@code max-message-size} (1009). A few clients
 * on the anonymous {@code /app} socket could keep the heap and the event loops busy that way.
 *
 * <p>The extensions were in fact not negotiated before this class, but only by a side effect: Quarkus sets the
 * system property {@code vertx.disableWebsockets=true} when the {@code io.quarkus.vertx.websockets} capability is
 * absent (websockets-next provides another), unless the property is already set, and that also keeps Vert.x from
 * installing its extension handler. With {@code -Dvertx.disableWebsockets=false}, or an extension that provides
 * that capability, the bomb above went through. And the options still told the frame decoder that extensions were
 * allowed, so a frame with RSV1 was read as uncompressed text (closed with 1007, or handled as whatever it spelled)
 * instead of refused as RFC 6455 asks.
 *
 * <p>Compression is not worth bounding instead: the Leadline and Pusher clients (the JS SDK, pusher-js, browsers)
 * all work without it, and outbound event frames are encoded once and shared by every socket that gets them, so
 * compressing them would cost a deflate per socket per frame, and a zlib deflater (hundreds of KB of native memory)
 * per socket for the socket's life.
 *
 * <p>websockets-next sets the per-message option from {@code quarkus.websockets-next.server.per-message-compression-supported}
 * (false in application.properties) and leaves the per-frame one at Vert.x's default; this turns both off whatever
 * order the customizers run in.
 */
@Singleton
public class NoSocketCompression implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        refuseCompression(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        refuseCompression(options);
    }

    @Override
    public void customizeDomainSocketServer(HttpServerOptions options) {
        refuseCompression(options);
    }

    static void refuseCompression(HttpServerOptions options) {
        options.setPerMessageWebSocketCompressionSupported(false);
        options.setPerFrameWebSocketCompressionSupported(false);
    }
}
