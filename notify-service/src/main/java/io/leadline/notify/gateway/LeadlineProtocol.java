package io.leadline.notify.gateway;

import io.leadline.notify.session.SessionEnd;
import io.leadline.notify.session.WireProtocol;

/** How sessions of the Leadline protocol ({@code /ws}) end, as docs/protocol.md documents it. */
final class LeadlineProtocol implements WireProtocol {

    static final LeadlineProtocol INSTANCE = new LeadlineProtocol();

    private LeadlineProtocol() {
    }

    @Override
    public short closeCode(SessionEnd end) {
        return switch (end) {
            case TOKEN_EXPIRED -> ErrorCodes.CLOSE_TOKEN_EXPIRED;
            case IDLE, SLOW_CONSUMER, TOO_MANY_CONNECTIONS -> ErrorCodes.CLOSE_POLICY;
            case RESTARTING -> ErrorCodes.CLOSE_RESTARTING;
            case SERVER_ERROR -> ErrorCodes.CLOSE_SERVER_ERROR;
            case TOO_BIG -> ErrorCodes.CLOSE_TOO_BIG;
            case INVALID_TEXT -> ErrorCodes.CLOSE_INVALID_TEXT;
            case PROTOCOL_ERROR -> ErrorCodes.CLOSE_PROTOCOL_ERROR;
            case RATE_LIMITED -> ErrorCodes.CLOSE_RATE_LIMITED;
        };
    }

    @Override
    public String closeReason(SessionEnd end) {
        return switch (end) {
            case TOKEN_EXPIRED -> "token expired";
            case IDLE -> "idle";
            case SLOW_CONSUMER -> "slow consumer";
            case TOO_MANY_CONNECTIONS -> "too many connections for this user";
            case RESTARTING -> "server restarting";
            case SERVER_ERROR -> "server error";
            case TOO_BIG -> "message too big";
            case INVALID_TEXT -> "text frame is not UTF-8";
            case PROTOCOL_ERROR -> "protocol error";
            case RATE_LIMITED -> "rate limited";
        };
    }

    @Override
    public String lastFrame(SessionEnd end) {
        return end == SessionEnd.TOKEN_EXPIRED
                ? ServerFrames.error(ErrorCodes.TOKEN_EXPIRED, "the token expired; refresh it", null)
                : null;
    }
}
