package io.leadline.shared.rpc;

/**
 * The answer to a {@link VoidRequest}, in {@code outcome}:
 * <ul>
 * <li>{@code debited}: a debit with that key was booked ({@code new_balance} is the balance it left); giving
 * the money back is the asker's business (a credit under a key of its own).</li>
 * <li>{@code voided}: nothing was booked under the key and nothing ever will be: a debit with that key
 * arriving later is answered {@code voided} and charges nothing. Also the answer when the debit had been
 * refused (insufficient funds), which booked nothing either.</li>
 * <li>{@code key_reused}, {@code invalid_request}: final; the key holds another request, or the request is
 * malformed (so the debit it mirrors was refused too). Nothing was booked for it.</li>
 * <li>{@code busy}, {@code unavailable}: nothing is known yet; ask again.</li>
 * </ul>
 * A caller treats an outcome it does not know like {@code unavailable}.
 */
public record VoidReply(String outcome, Long newBalance) {

    public static final String DEBITED = "debited";
    public static final String VOIDED = "voided";

    public static VoidReply debited(Long newBalance) {
        return new VoidReply(DEBITED, newBalance);
    }

    public static VoidReply voided() {
        return new VoidReply(VOIDED, null);
    }

    /** {@code key_reused}, {@code invalid_request}, {@code busy} or {@code unavailable} (as in {@link WalletReply}). */
    public static VoidReply failure(String reason) {
        return new VoidReply(reason, null);
    }
}
