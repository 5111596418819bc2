package io.leadline.notify.pusher;

import io.leadline.notify.session.SessionEnd;
import io.leadline.notify.session.WireProtocol;

/**
 * How Pusher sessions end, in the close codes pusher-js acts on: 4000–4099 do not reconnect,
 * 4100–4199 reconnect after a back-off, 4200–4299 reconnect at once.
 */
final class PusherProtocol implements WireProtocol {

    static final PusherProtocol INSTANCE = new PusherProtocol();

    static final short APP_NOT_FOUND = 4001;
    static final short OVER_QUOTA = 4004;
    static final short UNSUPPORTED_PROTOCOL = 4007;
    static final short OVER_CAPACITY = 4100;
    static final short RECONNECT_NOW = 4200;
    static final short PONG_NOT_RECEIVED = 4201;
    static final short TOO_BIG = 1009;
    static final short INVALID_TEXT = 1007;
    static final short PROTOCOL_ERROR = 1002;

    private PusherProtocol() {
    }

    @Override
    public short closeCode(SessionEnd end) {
        return switch (end) {
            // a Pusher socket carries no token: nothing expires, but a stale one must come back fresh
            case TOKEN_EXPIRED, RESTARTING, SERVER_ERROR -> RECONNECT_NOW;
            case IDLE -> PONG_NOT_RECEIVED;
            case SLOW_CONSUMER, RATE_LIMITED -> OVER_CAPACITY;
            case TOO_MANY_CONNECTIONS -> OVER_QUOTA;
            case TOO_BIG -> TOO_BIG;
            case INVALID_TEXT -> INVALID_TEXT;
            case PROTOCOL_ERROR -> PROTOCOL_ERROR;
        };
    }

    @Override
    public String closeReason(SessionEnd end) {
        return switch (end) {
            case TOKEN_EXPIRED, RESTARTING -> "server restarting; reconnect";
            case SERVER_ERROR -> "server error; reconnect";
            case IDLE -> "pong reply not received";
            case SLOW_CONSUMER -> "over capacity: the client is too far behind";
            case RATE_LIMITED -> "over capacity: too many messages";
            case TOO_MANY_CONNECTIONS -> "over connection quota";
            case TOO_BIG -> "message too big";
            case INVALID_TEXT -> "text frame is not UTF-8";
            case PROTOCOL_ERROR -> "protocol error";
        };
    }
}
