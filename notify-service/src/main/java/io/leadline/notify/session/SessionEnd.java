package io.leadline.notify.session;

/**
 * Why the server ends a session. Each protocol turns it into the close code (and maybe a last frame)
 * that its standard clients act on: a Leadline client refreshes its token on 4001, a pusher-js client
 * reconnects at once on 4200.
 */
public enum SessionEnd {
    TOKEN_EXPIRED,
    IDLE,
    SLOW_CONSUMER,
    RESTARTING,
    SERVER_ERROR,
    /** A frame or message over the size limits. */
    TOO_BIG,
    /** A text frame that is not UTF-8. */
    INVALID_TEXT,
    /** Any other frame that breaks RFC 6455 (not masked, a reserved opcode, ...). */
    PROTOCOL_ERROR,
    RATE_LIMITED,
    TOO_MANY_CONNECTIONS
}
