package io.leadline.payments.transaction.service;

import io.leadline.payments.money.Money;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentObserver;
import io.leadline.payments.transaction.PaymentStatusChanged;
import io.leadline.payments.transaction.Refund;
import io.leadline.payments.transaction.repository.PaymentRepository;
import io.leadline.payments.wallet.LedgerKind;
import io.leadline.payments.wallet.service.WalletService;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.Problem;
import io.leadline.shared.web.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * Payments and their life: created pending, settled by the provider's webhook (a succeeded top-up
 * credits the wallet), refunded by an admin or the provider. Each change is announced on
 * {@code payments.monitor} and handed to every {@link PaymentObserver} in the same reactive transaction.
 * Methods without a transaction of their own run in the caller's.
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
    Outbox outbox;

    @Inject
    @Any
    Instance<PaymentObserver> observers;

    /** What a provider result did: applied, nothing to do (already in that state), or refused. */
    public enum Outcome { APPLIED, UNCHANGED, REJECTED }

    public record SettleResult(Outcome outcome, Payment payment, String error) {
    }

    public record RefundResult(Refund refund, Payment payment, boolean replayed) {
    }

    /** A pending payment of {@code price} (the credits' price in the chosen currency) for {@code credits}. */
    public Uni<Payment> createTopUp(long customerId, long credits, Money price, String provider) {
        return outbox.inTransaction(() -> payments.insert(Payment.TOP_UP, customerId, price, credits, provider,
                ProviderReferences.next(provider), null).call(this::created));
    }

    /** An escrow's pending payment, in the caller's transaction. */
    public Uni<Payment> createEscrowPayment(long buyerId, Money amount, String provider, long escrowId) {
        return payments.insert(Payment.ESCROW, buyerId, amount, null, provider, ProviderReferences.next(provider),
                escrowId).call(this::created);
    }

    public Uni<Optional<Payment>> find(long id) {
        return Panache.withTransaction(() -> payments.findById(id, false));
    }

    /**
     * Locks a payment row for the caller's transaction. Whoever changes a payment and its escrow locks
     * the payment first (a webhook does: {@link #settle}, {@link #providerRefund}), so the two never
     * wait on each other in a cycle.
     */
    public Uni<Optional<Payment>> lock(long id) {
        return payments.findById(id, true);
    }

    /**
     * Applies a provider's verdict, in the caller's transaction. {@code reportedMinor} and
     * {@code reportedCurrency} are what the provider charged, in minor units and as an upper-case ISO code;
     * they must be exactly the payment's, or the payment is not settled: a pending one is marked
     * failed with the mismatch as its reason (what was charged is not what was asked, so nothing is
     * credited or held), and the result is REJECTED. A succeeded payment that the provider later
     * reports failed stays succeeded (events can arrive out of order; a refund comes as its own event).
     */
    public Uni<SettleResult> settle(String provider, String reference, boolean succeeded, long reportedMinor,
            String reportedCurrency, String failureReason) {
        return payments.lockByReference(provider, reference).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new SettleResult(Outcome.REJECTED, null, "unknown payment " + reference));
            }
            Payment before = found.get();
            String mismatch = mismatch(before, reportedMinor, reportedCurrency);
            if (mismatch != null) {
                if (!Payment.PENDING.equals(before.status())) {
                    return Uni.createFrom().item(new SettleResult(Outcome.REJECTED, before, mismatch));
                }
                return payments.updateStatus(before.id(), Payment.FAILED, truncate(mismatch))
                        .call(after -> updated(before, after))
                        .map(after -> new SettleResult(Outcome.REJECTED, after, mismatch));
            }
            String target = succeeded ? Payment.SUCCEEDED : Payment.FAILED;
            boolean allowed = Payment.PENDING.equals(before.status())
                    || (succeeded && Payment.FAILED.equals(before.status()));
            if (!allowed) {
                return Uni.createFrom().item(new SettleResult(Outcome.UNCHANGED, before, null));
            }
            return payments.updateStatus(before.id(), target, succeeded ? null : truncate(failureReason))
                    .call(after -> succeeded && after.isTopUp()
                            ? wallets.book(after.customerId(), after.credits(), LedgerKind.TOP_UP, "top_up",
                                    after.providerReference(), "top_up:" + after.id(), false)
                            : Uni.createFrom().voidItem())
                    .call(after -> updated(before, after))
                    .map(after -> new SettleResult(Outcome.APPLIED, after, null));
        });
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
     * Refunds {@code amount} (all that is left when null) of a succeeded payment, once per {@code key}, in
     * the caller's transaction. A top-up's credits are taken back in proportion, but never below a zero
     * balance: credits the customer already spent stay spent and are recorded as the refund's shortfall.
     * The proportion is rounded on the running total ({@link #creditsFor}), so partial refunds that add up
     * to the whole payment take back exactly its credits.
     *
     * <p>A key is bound to the request it first came with (payment, amount asked, reason): repeated
     * with the same request it returns the first refund ({@code replayed}); with another it is 422 and
     * changes nothing. Requests sharing a key run one after the other (the payment row, then the key,
     * are locked first: the order webhooks and escrows lock in too), so concurrent repeats all get the
     * one refund instead of racing to insert it.
     */
    public Uni<RefundResult> refund(long paymentId, BigDecimal amount, String source, String reason, String key) {
        String fingerprint = RefundFingerprints.of(paymentId, amount, reason);
        return payments.findById(paymentId, true)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("no payment " + paymentId)))
                .call(() -> payments.lockRefundKey(key))
                .flatMap(before -> payments.findRefundByKey(key).flatMap(earlier -> {
                    if (earlier.isPresent()) {
                        Refund first = earlier.get();
                        if (!RefundFingerprints.sameRequest(first, paymentId, fingerprint)) {
                            throw ProblemException.unprocessableField("Idempotency-Key", "already used for another "
                                    + "refund request (payment " + first.paymentId() + ", amount "
                                    + first.amount().toPlainString() + "); a new refund needs a new key");
                        }
                        return Uni.createFrom().item(new RefundResult(first, before, true));
                    }
                    return refundNew(before, amount, source, reason, key, fingerprint);
                }));
    }

    private Uni<RefundResult> refundNew(Payment before, BigDecimal amount, String source, String reason, String key,
            String fingerprint) {
        if (!Payment.SUCCEEDED.equals(before.status())) {
            throw ProblemException.conflict("payment " + before.id() + " is " + before.status()
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
        long credits = before.isTopUp()
                ? creditsFor(before.credits(), before.amount(), before.refundedAmount(), refundAmount) : 0;
        Uni<long[]> clawback = credits <= 0 ? Uni.createFrom().item(new long[] {0, 0})
                : wallets.book(before.customerId(), -credits, LedgerKind.REFUND, "refund", before.providerReference(),
                        "refund:" + key, true).map(change -> {
                            long clawedBack = change.entry() == null ? 0 : -change.entry().change();
                            return new long[] {clawedBack, credits - clawedBack};
                        });
        return clawback.flatMap(taken -> payments.insertRefund(before.id(), refundAmount, source, truncate(reason),
                        taken[0], taken[1], key, fingerprint))
                .map(inserted -> inserted.orElseThrow(
                        () -> new IllegalStateException("refund key " + key + " taken concurrently")))
                .flatMap(refund -> payments.addRefunded(before.id(), refundAmount)
                        .call(after -> announcer.refunded(after, refund))
                        .call(after -> observe(new PaymentStatusChanged(before, after)))
                        .map(after -> new RefundResult(refund, after, false)));
    }

    /**
     * A refund reported by the provider, in the caller's transaction: {@code reportedMinor} is the total
     * refunded so far when {@code cumulative} (Stripe), else this refund alone (Razorpay);
     * {@code reportedCurrency} must be the payment's. Whatever we already recorded, for example an admin
     * refund made here, is not refunded again.
     */
    public Uni<SettleResult> providerRefund(String provider, String reference, long reportedMinor,
            String reportedCurrency, boolean cumulative, String reason, String key) {
        return payments.lockByReference(provider, reference).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new SettleResult(Outcome.REJECTED, null, "unknown payment " + reference));
            }
            Payment payment = found.get();
            if (reportedMinor <= 0) {
                return Uni.createFrom().item(new SettleResult(Outcome.REJECTED, payment, "refund without an amount"));
            }
            if (!payment.currency().equals(reportedCurrency)) {
                return Uni.createFrom().item(new SettleResult(Outcome.REJECTED, payment, "currency mismatch: the "
                        + "provider refunded in " + reportedCurrency + ", the payment is in " + payment.currency()));
            }
            BigDecimal reported = new Money(reportedMinor, payment.currency()).major();
            return payments.findRefundByKey(key).flatMap(earlier -> {
                if (earlier.isPresent() || !Payment.SUCCEEDED.equals(payment.status())) {
                    return Uni.createFrom().item(new SettleResult(Outcome.UNCHANGED, payment, null));
                }
                BigDecimal amount = (cumulative ? reported.subtract(payment.refundedAmount()) : reported)
                        .min(payment.refundable());
                if (amount.signum() <= 0) {
                    return Uni.createFrom().item(new SettleResult(Outcome.UNCHANGED, payment, null));
                }
                return refund(payment.id(), amount, "webhook", reason, key)
                        .map(result -> new SettleResult(Outcome.APPLIED, result.payment(), null));
            });
        });
    }

    private Uni<Void> created(Payment payment) {
        return announcer.created(payment).chain(() -> observe(new PaymentStatusChanged(null, payment)));
    }

    private Uni<Void> updated(Payment before, Payment after) {
        return announcer.updated(after).chain(() -> observe(new PaymentStatusChanged(before, after)));
    }

    /** Hands the change to every observer, one after the other, in the current transaction. */
    private Uni<Void> observe(PaymentStatusChanged change) {
        Uni<Void> observed = Uni.createFrom().voidItem();
        for (PaymentObserver observer : observers) {
            observed = observed.chain(() -> observer.paymentChanged(change));
        }
        return observed;
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
