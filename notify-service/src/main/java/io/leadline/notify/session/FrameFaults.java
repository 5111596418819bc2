package io.leadline.notify.session;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/**
 * Answers a client's faulty frames with a close frame, as RFC 6455 asks, instead of a dropped connection and an
 * error in the log. Sits in a socket's Netty pipeline just before the Vert.x connection handler, after the frame
 * decoder (there is no decompressor: {@link NoSocketCompression}).
 *
 * <p>Vert.x builds Netty's frame decoder with {@code closeOnProtocolViolation(false)} (hard-coded in
 * {@code Http1xServerConnection}, no option changes it), so a frame the decoder refuses (one frame over
 * {@code max-frame-size}, an unmasked frame, a reserved opcode) raises a {@link CorruptedWebSocketFrameException}
 * and nothing else: Vert.x closes the TCP connection without a close frame (clients see 1006) and websockets-next
 * logs the exception as an unhandled error with its stack trace. Vert.x does not check text frames for UTF-8
 * either (Netty's {@link Utf8FrameValidator} is only added by Netty's own server protocol handler, which Vert.x
 * does not use): invalid bytes became U+FFFD and the frame was handled.
 *
 * <p>Here the text and continuation frames are checked for UTF-8 (this is Netty's validator, without its own close),
 * and every {@link CorruptedWebSocketFrameException} from here or from the decoder ends the session: a close frame
 * with its protocol's code for the fault (1009 too big, 1007 not UTF-8, 1002 any other protocol error), logged at
 * DEBUG only. The exception goes no further, so neither Vert.x nor websockets-next see it. Then the server half-closes
 * the TCP connection and drops whatever else arrives until the client closes its side (at most
 * {@link #LINGER_SECONDS}): the decoder discards the rest of an oversized frame, and closing at once with unread
 * bytes would reset the connection, which can lose the close frame on the client's side.
 *
 * <p>A ping while more than {@code max-pending-bytes} wait for the client ends the session as a slow consumer (4008)
 * instead of adding a pong to the pile.
 *
 * <p>A fragmented message whose first fragment is empty is passed on as one that starts with its first non-empty
 * fragment (the same message). Vert.x's aggregator keeps an empty first fragment as Netty's shared empty buffer,
 * which cannot grow: it dropped the rest of that message, and every later message of the connection failed with an
 * {@code IndexOutOfBoundsException} logged as an uncaught error, one stack trace per frame, never answered.
 */
final class FrameFaults extends Utf8FrameValidator {

    private static final Logger LOG = Logger.getLogger(FrameFaults.class);
    static final String NAME = "leadline-frame-faults";
    private static final long LINGER_SECONDS = 2;

    /** Null until the socket's session exists: the handler is installed before the upgrade ({@link FrameGuard}). */
    private volatile ClientSession session;
    private boolean ended;
    /** The first fragment of the message being received was empty and held back: text (true) or binary. */
    private Boolean heldEmptyStartIsText;

    private FrameFaults(ClientSession session) {
        super(false);
        this.session = session;
    }

    /**
     * Puts the handler before the Vert.x connection handler at {@code connection} while the upgrade request is
     * checked: the frames a client sends right after the upgrade, before the socket's session exists, pass it too.
     */
    static void installBeforeUpgrade(ChannelHandlerContext connection) {
        synchronized (connection.pipeline()) {
            if (connection.pipeline().get(NAME) == null && !connection.isRemoved()) {
                connection.pipeline().addBefore(connection.name(), NAME, new FrameFaults(null));
            }
        }
    }

    /**
     * Gives the handler installed before the upgrade its session, or puts one before the Vert.x connection handler
     * at {@code connection} when there is none; on the socket's event loop.
     */
    static void install(ChannelHandlerContext connection, ClientSession session) {
        synchronized (connection.pipeline()) {
            if (connection.pipeline().get(NAME) instanceof FrameFaults installed) {
                installed.session = session;
            } else if (!connection.isRemoved()) {
                connection.pipeline().addBefore(connection.name(), NAME, new FrameFaults(session));
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ClientSession session = this.session;
        if (msg instanceof PingWebSocketFrame && session != null && session.overPendingLimit()) {
            // Vert.x answers every ping with a pong: a client that pings and never reads would pile them up
            ReferenceCountUtil.release(msg);
            session.end(SessionEnd.SLOW_CONSUMER);
            return;
        }
        Object frame = withoutEmptyFirstFragment(msg);
        if (frame != null) {
            super.channelRead(ctx, frame);
        }
    }

    /**
     * The frame to pass on: null for an empty first fragment (and for empty continuations after it), the first
     * non-empty continuation after it as the message's start frame, any other frame as it is.
     */
    private Object withoutEmptyFirstFragment(Object msg) {
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            WebSocketFrame start = (WebSocketFrame) msg;
            if (!start.isFinalFragment() && !start.content().isReadable()) {
                heldEmptyStartIsText = start instanceof TextWebSocketFrame;
                start.release();
                return null;
            }
            return msg;
        }
        if (msg instanceof ContinuationWebSocketFrame && heldEmptyStartIsText != null) {
            ContinuationWebSocketFrame continuation = (ContinuationWebSocketFrame) msg;
            if (!continuation.isFinalFragment() && !continuation.content().isReadable()) {
                continuation.release();
                return null;
            }
            boolean text = heldEmptyStartIsText;
            heldEmptyStartIsText = null;
            // the new frame takes over the continuation's buffer (and its reference)
            return text
                    ? new TextWebSocketFrame(continuation.isFinalFragment(), continuation.rsv(), continuation.content())
                    : new BinaryWebSocketFrame(continuation.isFinalFragment(), continuation.rsv(), continuation.content());
        }
        return msg;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof CorruptedWebSocketFrameException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        CorruptedWebSocketFrameException fault = (CorruptedWebSocketFrameException) cause;
        SessionEnd end = endFor(fault.closeStatus());
        ClientSession session = this.session;
        LOG.debugf("socket %s closed for a faulty frame (%s): %s", session == null ? ctx.channel().id() : session.id(), end,
                fault.getMessage());
        if (ended) {
            return;
        }
        ended = true;
        if (session != null && !session.endedByTransport() || !ctx.channel().isActive()) {
            // the server had already begun to close it: its close frame went out, this one would be a second
            ctx.close();
            return;
        }
        // before its session exists a socket speaks no protocol of ours yet: RFC 6455's own code
        CloseWebSocketFrame close = session != null
                ? new CloseWebSocketFrame(session.closeCode(end), session.closeReason(end))
                : new CloseWebSocketFrame(fault.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : fault.closeStatus());
        ctx.writeAndFlush(close)
                .addListener((ChannelFutureListener) written -> {
                    if (written.isSuccess() && written.channel() instanceof DuplexChannel duplex) {
                        duplex.shutdownOutput();
                        written.channel().eventLoop().schedule(() -> {
                            written.channel().close();
                        }, LINGER_SECONDS, TimeUnit.SECONDS);
                    } else {
                        written.channel().close();
                    }
                });
    }

    static SessionEnd endFor(WebSocketCloseStatus status) {
        if (status == null) {
            return SessionEnd.PROTOCOL_ERROR;
        }
        int code = status.code();
        if (code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            return SessionEnd.TOO_BIG;
        }
        if (code == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code()) {
            return SessionEnd.INVALID_TEXT;
        }
        return SessionEnd.PROTOCOL_ERROR;
    }
}
