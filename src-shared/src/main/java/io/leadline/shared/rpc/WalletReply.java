package io.leadline.shared.rpc;

/**
 * The answer to a wallet request: {@code ok} with the new balance, or not ok with a reason.
 * <ul>
 * <li>{@code insufficient_funds}, {@code invalid_request}, {@code key_reused} (same key, other request):
 * final answers; nothing was booked for this request.</li>
 * <li>{@code busy}: the request was turned away before it started (worker queue full). Nothing was
 * booked by this request and nothing is stored; the caller may retry with the same key.</li>
 * <li>{@code unavailable}: the request was started and failed (a database error, possibly a COMMIT
 * whose outcome is unknown). Not stored, but the booking <em>may</em> have happened: the caller must
 * ask again with the same key to learn the outcome, never assume "not charged".</li>
 * <li>{@code voided}: final; the key was voided ({@link VoidRequest}) before this debit was looked at, and
 * nothing was or will be booked under it.</li>
 * </ul>
 * A caller treats any reason it does not know like {@code unavailable}.
 */
public record WalletReply(boolean ok, Long newBalance, String reason) {

    public static final String INSUFFICIENT_FUNDS = "insufficient_funds";
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String KEY_REUSED = "key_reused";
    /** Started and failed: the outcome is unknown until the same key is asked again. */
    public static final String UNAVAILABLE = "unavailable";
    /** Turned away before it started: certainly nothing booked by this request. Never stored. */
    public static final String BUSY = "busy";
    /** The debit's key was voided first: nothing booked, ever. Final. */
    public static final String VOIDED = "voided";

    public static WalletReply success(long newBalance) {
        return new WalletReply(true, newBalance, null);
    }

    public static WalletReply failure(String reason) {
        return new WalletReply(false, null, reason);
    }
}
