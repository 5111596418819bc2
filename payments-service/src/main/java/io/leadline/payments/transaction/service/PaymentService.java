package io.leadline.payments.transaction.service;

import io.leadline.payments.money.Money;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentStatusChanged;
import io.leadline.payments.transaction.Refund;
import io.leadline.payments.transaction.repository.PaymentRepository;
import io.leadline.payments.wallet.LedgerKind;
import io.leadline.payments.wallet.WalletChange;
import io.leadline.payments.wallet.service.WalletService;
import io.leadline.shared.web.Problem;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * Payments and their life: created pending, settled by the provider's webhook (a succeeded top-up
 * credits the wallet), refunded by an admin or the provider. Each change is announced on
 * {@code payments.monitor} and fired as {@link PaymentStatusChanged} in the same transaction.
 */
@ApplicationScoped
public class PaymentService {

    @Inject
    PaymentRepository payments;

    @Inject
    PaymentAnnouncer announcer;

    @Inject
    WalletService wallets;

    @Inject
    Event<PaymentStatusChanged> changes;

    /** What a provider result did: applied, nothing to do (already in that state), or refused. */
    public enum Outcome { APPLIED, UNCHANGED, REJECTED }

    public record SettleResult(Outcome outcome, Payment payment, String error) {
    }

    public record RefundResult(Refund refund, Payment payment, boolean replayed) {
    }

    /** A pending payment of {@code price} (the credits' price in the chosen currency) for {@code credits}. */
    @Transactional
    public Payment createTopUp(long customerId, long credits, Money price, String provider) {
        Payment payment = payments.insert(Payment.TOP_UP, customerId, price, credits, provider,
                ProviderReferences.next(provider), null);
        announcer.created(payment);
        changes.fire(new PaymentStatusChanged(null, payment));
        return payment;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Payment createEscrowPayment(long buyerId, Money amount, String provider, long escrowId) {
        Payment payment = payments.insert(Payment.ESCROW, buyerId, amount, null, provider,
                ProviderReferences.next(provider), escrowId);
        announcer.created(payment);
        changes.fire(new PaymentStatusChanged(null, payment));
        return payment;
    }

    @Transactional
    public Optional<Payment> find(long id) {
        return payments.findById(id, false);
    }

    /**
     * Locks a payment row for the caller's transaction. Whoever changes a payment and its escrow locks
     * the payment first (a webhook does: {@link #settle}, {@link #providerRefund}), so the two never
     * wait on each other in a cycle.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Payment> lock(long id) {
        return payments.findById(id, true);
    }

    /**
     * Applies a provider's verdict. {@code reportedMinor} and {@code reportedCurrency} are what the
     * provider charged, in minor units and as an upper-case ISO code; they must be exactly the payment's, or the payment is not settled: a pending one is marked
     * failed with the mismatch as its reason (what was charged is not what was asked, so nothing is
     * credited or held), and the result is REJECTED. A succeeded payment that the provider later
     * reports failed stays succeeded (events can arrive out of order; a refund comes as its own event).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public SettleResult settle(String provider, String reference, boolean succeeded, long reportedMinor,
            String reportedCurrency, String failureReason) {
        Optional<Payment> found = payments.lockByReference(provider, reference);
        if (found.isEmpty()) {
            return new SettleResult(Outcome.REJECTED, null, "unknown payment " + reference);
        }
        Payment before = found.get();
        String mismatch = mismatch(before, reportedMinor, reportedCurrency);
        if (mismatch != null) {
            if (!Payment.PENDING.equals(before.status())) {
                return new SettleResult(Outcome.REJECTED, before, mismatch);
            }
            Payment after = payments.updateStatus(before.id(), Payment.FAILED, truncate(mismatch));
            announcer.updated(after);
            changes.fire(new PaymentStatusChanged(before, after));
            return new SettleResult(Outcome.REJECTED, after, mismatch);
        }
        String target = succeeded ? Payment.SUCCEEDED : Payment.FAILED;
        boolean allowed = Payment.PENDING.equals(before.status())
                || (succeeded && Payment.FAILED.equals(before.status()));
        if (!allowed) {
            return new SettleResult(Outcome.UNCHANGED, before, null);
        }
        Payment after = payments.updateStatus(before.id(), target, succeeded ? null : truncate(failureReason));
        if (succeeded && after.isTopUp()) {
            wallets.book(after.customerId(), after.credits(), LedgerKind.TOP_UP, "top_up", after.providerReference(),
                    "top_up:" + after.id(), false);
        }
        announcer.updated(after);
        changes.fire(new PaymentStatusChanged(before, after));
        return new SettleResult(Outcome.APPLIED, after, null);
    }

    /** Null when the provider reported exactly the payment's amount and currency, else what differs. */
    static String mismatch(Payment payment, long reportedMinor, String reportedCurrency) {
        if (!payment.currency().equals(reportedCurrency)) {
            return "currency mismatch: the provider reported " + reportedCurrency + ", the payment is in "
                    + payment.currency();
        }
        if (payment.amountMinor() != reportedMinor) {
            return "amount mismatch: the provider reported " + reportedMinor + " " + reportedCurrency
                    + " minor units, the payment is " + payment.amountMinor();
        }
        return null;
    }

    /**
     * Refunds {@code amount} (all that is left when null) of a succeeded payment, once per {@code key}.
     * A top-up's credits are taken back in proportion, but never below a zero balance: credits the
     * customer already spent stay spent and are recorded as the refund's shortfall. The proportion is
     * rounded on the running total ({@link #creditsFor}), so partial refunds that add up to the whole
     * payment take back exactly its credits.
     *
     * <p>A key is bound to the request it first came with (payment, amount asked, reason): repeated
     * with the same request it returns the first refund ({@code replayed}); with another it is 422 and
     * changes nothing. Requests sharing a key run one after the other (the payment row, then the key,
     * are locked first: the order webhooks and escrows lock in too), so concurrent repeats all get the
     * one refund instead of racing to insert it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public RefundResult refund(long paymentId, BigDecimal amount, String source, String reason, String key) {
        Payment before = payments.findById(paymentId, true)
                .orElseThrow(() -> ProblemException.notFound("no payment " + paymentId));
        payments.lockRefundKey(key);
        String fingerprint = RefundFingerprints.of(paymentId, amount, reason);
        Optional<Refund> earlier = payments.findRefundByKey(key);
        if (earlier.isPresent()) {
            Refund first = earlier.get();
            if (!RefundFingerprints.sameRequest(first, paymentId, fingerprint)) {
                throw ProblemException.unprocessableField("Idempotency-Key", "already used for another refund request "
                        + "(payment " + first.paymentId() + ", amount " + first.amount().toPlainString()
                        + "); a new refund needs a new key");
            }
            return new RefundResult(first, before, true);
        }
        if (!Payment.SUCCEEDED.equals(before.status())) {
            throw ProblemException.conflict("payment " + paymentId + " is " + before.status()
                    + "; only a succeeded payment can be refunded");
        }
        BigDecimal refundable = before.refundable();
        BigDecimal refundAmount = amount == null ? refundable : amount;
        if (!Money.fits(refundAmount, before.currency())) {
            throw ProblemException.invalidField("amount", "has more decimals than " + before.currency() + " has");
        }
        if (refundAmount.compareTo(refundable) > 0) {
            throw new ProblemException(Problem.of(409, "Conflict", "amount: exceeds the refundable " + refundable,
                    List.of(new Problem.FieldError("amount", "exceeds the refundable " + refundable))));
        }
        long clawedBack = 0;
        long shortfall = 0;
        if (before.isTopUp()) {
            long credits = creditsFor(before.credits(), before.amount(), before.refundedAmount(), refundAmount);
            if (credits > 0) {
                WalletChange change = wallets.book(before.customerId(), -credits, LedgerKind.REFUND, "refund",
                        before.providerReference(), "refund:" + key, true);
                clawedBack = change.entry() == null ? 0 : -change.entry().change();
                shortfall = credits - clawedBack;
            }
        }
        Refund refund = payments.insertRefund(before.id(), refundAmount, source, truncate(reason), clawedBack, shortfall,
                key, fingerprint).orElseThrow(() -> new IllegalStateException("refund key " + key + " taken concurrently"));
        Payment after = payments.addRefunded(before.id(), refundAmount);
        announcer.refunded(after, refund);
        changes.fire(new PaymentStatusChanged(before, after));
        return new RefundResult(refund, after, false);
    }

    /**
     * A refund reported by the provider: {@code reportedMinor} is the total refunded so far when
     * {@code cumulative} (Stripe), else this refund alone (Razorpay); {@code reportedCurrency} must be
     * the payment's. Whatever we already recorded, for example an admin refund made here, is not refunded again.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public SettleResult providerRefund(String provider, String reference, long reportedMinor,
            String reportedCurrency, boolean cumulative, String reason, String key) {
        Optional<Payment> found = payments.lockByReference(provider, reference);
        if (found.isEmpty()) {
            return new SettleResult(Outcome.REJECTED, null, "unknown payment " + reference);
        }
        Payment payment = found.get();
        if (reportedMinor <= 0) {
            return new SettleResult(Outcome.REJECTED, payment, "refund without an amount");
        }
        if (!payment.currency().equals(reportedCurrency)) {
            return new SettleResult(Outcome.REJECTED, payment, "currency mismatch: the provider refunded in "
                    + reportedCurrency + ", the payment is in " + payment.currency());
        }
        BigDecimal reported = new Money(reportedMinor, payment.currency()).major();
        if (payments.findRefundByKey(key).isPresent() || !Payment.SUCCEEDED.equals(payment.status())) {
            return new SettleResult(Outcome.UNCHANGED, payment, null);
        }
        BigDecimal amount = (cumulative ? reported.subtract(payment.refundedAmount()) : reported)
                .min(payment.refundable());
        if (amount.signum() <= 0) {
            return new SettleResult(Outcome.UNCHANGED, payment, null);
        }
        RefundResult result = refund(payment.id(), amount, "webhook", reason, key);
        return new SettleResult(Outcome.APPLIED, result.payment(), null);
    }

    /**
     * The credits a refund of {@code amount} takes back, when {@code refundedBefore} of the payment's
     * {@code total} was refunded already: round(credits × (before + amount) / total) − round(credits ×
     * before / total). Rounding each refund on its own would lose or add credits over several (two
     * refunds of half a credit each would take two credits, or many small ones none at all).
     */
    static long creditsFor(long credits, BigDecimal total, BigDecimal refundedBefore, BigDecimal amount) {
        return proportion(credits, total, refundedBefore.add(amount)) - proportion(credits, total, refundedBefore);
    }

    private static long proportion(long credits, BigDecimal total, BigDecimal refunded) {
        return BigDecimal.valueOf(credits).multiply(refunded).divide(total, 0, RoundingMode.HALF_UP).longValueExact();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }
}
