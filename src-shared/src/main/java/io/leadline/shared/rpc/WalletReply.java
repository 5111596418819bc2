package io.leadline.shared.rpc;

/**
 * The answer to a wallet request: {@code ok} with the new balance, or not ok with a reason such as
 * {@code insufficient_funds}, {@code invalid_request} or {@code key_reused} (same key, other request).
 * Those three are final answers. {@code unavailable} (overloaded or a failed database call) is not
 * stored: nothing was booked, and the caller may retry with the same key.
 */
public record WalletReply(boolean ok, Long newBalance, String reason) {

    public static final String INSUFFICIENT_FUNDS = "insufficient_funds";
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String KEY_REUSED = "key_reused";
    public static final String UNAVAILABLE = "unavailable";

    public static WalletReply success(long newBalance) {
        return new WalletReply(true, newBalance, null);
    }

    public static WalletReply failure(String reason) {
        return new WalletReply(false, null, reason);
    }
}
