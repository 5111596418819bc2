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
    TOO_BIG,
    RATE_LIMITED,
    TOO_MANY_CONNECTIONS
}
