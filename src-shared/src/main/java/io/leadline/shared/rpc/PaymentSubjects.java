package io.leadline.shared.rpc;

/** Service-to-service request-reply subjects; never under {@code ch.}, so clients never see them. */
public final class PaymentSubjects {

    /** Every subject payments-service answers on: what its NATS user may subscribe to. */
    public static final String ALL = "svc.payments.>";

    /** Charge a wallet: {@link DebitRequest} → {@link WalletReply}. */
    public static final String DEBIT = "svc.payments.debit";

    /** Give credits back (a claim that could not be recorded): {@link CreditRequest} → {@link WalletReply}. */
    public static final String CREDIT = "svc.payments.credit";

    /**
     * Settle a debit whose outcome is unknown without charging it: {@link VoidRequest} → {@link VoidReply}.
     * Tells whether it was booked and, if not, makes sure it never will be.
     */
    public static final String VOID = "svc.payments.void";

    private PaymentSubjects() {
    }
}
