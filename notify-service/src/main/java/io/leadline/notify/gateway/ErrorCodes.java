package io.leadline.notify.gateway;

/** Error frame codes and close codes of the protocol (docs/protocol.md). */
public final class ErrorCodes {

    public static final String BAD_REQUEST = "bad_request";
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not_found";
    public static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";
    public static final String RATE_LIMITED = "rate_limited";
    /** A {@code since} subscription while another of the same connection is still replaying. */
    public static final String BUSY = "busy";
    public static final String TOKEN_EXPIRED = "token_expired";
    public static final String TOKEN_INVALID = "token_invalid";

    public static final short CLOSE_TOKEN_EXPIRED = 4001;
    public static final short CLOSE_POLICY = 4008;
    public static final short CLOSE_RATE_LIMITED = 4029;
    public static final short CLOSE_RESTARTING = 1012;
    public static final short CLOSE_TOO_BIG = 1009;
    public static final short CLOSE_INVALID_TEXT = 1007;
    public static final short CLOSE_PROTOCOL_ERROR = 1002;
    public static final short CLOSE_SERVER_ERROR = 1011;
    public static final short CLOSE_GOING_AWAY = 1001;

    private ErrorCodes() {
    }
}
