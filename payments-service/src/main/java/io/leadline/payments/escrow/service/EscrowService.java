package io.leadline.payments.escrow.service;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.EscrowStatus;
import io.leadline.payments.escrow.repository.EscrowRepository;
import io.leadline.payments.money.Money;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentStatusChanged;
import io.leadline.payments.transaction.service.PaymentService;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.escrow.ConfirmationAdded;
import io.leadline.shared.event.escrow.DisputeRaised;
import io.leadline.shared.event.escrow.EscrowUpdate;
import io.leadline.shared.event.escrow.PaymentStatus;
import io.leadline.shared.event.escrow.StatusChange;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The escrow state machine. Who may do what: the buyer releases, the seller refunds, either party
 * confirms (both confirmations release) or disputes a held escrow, an admin may release or refund a
 * held escrow and alone resolves a dispute. Someone who is neither a party nor an admin gets 404, so
 * escrow ids reveal nothing; a party asking for what its role may not do gets 403; a move the state
 * machine forbids is 409. Every refusal happens before anything is written.
 *
 * <p>Lock order: the payment row, then the escrow row. A provider webhook locks the payment and then,
 * through {@link #onPaymentChanged}, the escrow; so every move here that touches the payment (refund,
 * a dispute resolved as a refund) locks the payment before the escrow too.
 */
@ApplicationScoped
public class EscrowService {

    private static final Logger LOG = Logger.getLogger(EscrowService.class);

    @Inject
    EscrowRepository escrows;

    @Inject
    PaymentService payments;

    @Inject
    Outbox outbox;

    @Inject
    UserDirectory directory;

    /** Who is asking. */
    public record Actor(long userId, boolean admin) {

        String label() {
            return (admin ? "admin:" : "user:") + userId;
        }
    }

    public record Created(Escrow escrow, Payment payment) {
    }

    /**
     * Checks the seller before anything is written: not the buyer (400), and an account leads-service
     * knows (422 naming {@code seller_id}; 503 when it cannot tell). Outside any transaction: it
     * waits for a NATS reply and must not hold a database connection meanwhile.
     */
    public void requireSeller(Actor buyer, long sellerId) {
        if (sellerId == buyer.userId()) {
            throw ProblemException.invalidField("seller_id", "must not be the buyer");
        }
        if (!directory.exists(sellerId)) {
            throw ProblemException.unprocessableField("seller_id", "no user " + sellerId);
        }
    }

    /** Creates the escrow and its payment; the seller was checked with {@link #requireSeller}. */
    @Transactional
    public Created create(Actor buyer, long sellerId, BigDecimal amount, String currency, String description,
            String provider) {
        if (sellerId == buyer.userId()) {
            throw ProblemException.invalidField("seller_id", "must not be the buyer");
        }
        Escrow escrow = escrows.insert(buyer.userId(), sellerId, amount, currency, description);
        escrows.created(escrow.id(), buyer.label());
        Payment payment = payments.createEscrowPayment(buyer.userId(), Money.ofMajor(amount, currency), provider,
                escrow.id());
        escrow = escrows.setPayment(escrow.id(), payment.id());
        outbox.append(Channels.escrow(escrow.id()), update(escrow, "created"));
        return new Created(escrow, payment);
    }

    @Transactional
    public Escrow view(long id, Actor actor) {
        Escrow escrow = escrows.find(id, false).orElseThrow(() -> notFound(id));
        requireVisible(escrow, actor);
        return escrow;
    }

    @Transactional
    public Escrow confirm(long id, Actor actor, String note) {
        Escrow escrow = lockVisible(id, actor);
        if (!escrow.isParty(actor.userId())) {
            throw ProblemException.forbidden("only the buyer or the seller can confirm");
        }
        requireStatus(escrow, EscrowStatus.HELD, "confirmed");
        boolean buyer = actor.userId() == escrow.buyerId();
        if (buyer ? escrow.buyerConfirmed() : escrow.sellerConfirmed()) {
            return escrow; // confirming twice changes nothing
        }
        escrow = escrows.confirm(id, buyer);
        outbox.append(Channels.escrow(id), new ConfirmationAdded(String.valueOf(id), buyer ? "buyer" : "seller",
                String.valueOf(actor.userId()), note));
        if (escrow.buyerConfirmed() && escrow.sellerConfirmed()) {
            escrow = transition(escrow, EscrowStatus.RELEASED, "confirmations");
        }
        return escrow;
    }

    @Transactional
    public Escrow release(long id, Actor actor) {
        Escrow escrow = lockVisible(id, actor);
        if (!actor.admin() && actor.userId() != escrow.buyerId()) {
            throw ProblemException.forbidden("only the buyer or an admin can release the funds");
        }
        requireStatus(escrow, EscrowStatus.HELD, "released (a disputed escrow is resolved by an admin)");
        return transition(escrow, EscrowStatus.RELEASED, actor.label());
    }

    @Transactional
    public Escrow refund(long id, Actor actor) {
        Escrow escrow = lockVisibleWithPayment(id, actor);
        if (!actor.admin() && actor.userId() != escrow.sellerId()) {
            throw ProblemException.forbidden("only the seller or an admin can refund; a buyer raises a dispute");
        }
        requireStatus(escrow, EscrowStatus.HELD, "refunded (a disputed escrow is resolved by an admin)");
        return refundHeld(escrow, actor.label());
    }

    @Transactional
    public Escrow dispute(long id, Actor actor, String reason) {
        Escrow escrow = lockVisible(id, actor);
        if (!escrow.isParty(actor.userId())) {
            throw ProblemException.forbidden("only the buyer or the seller can raise a dispute");
        }
        requireStatus(escrow, EscrowStatus.HELD, "disputed");
        escrows.dispute(id, actor.userId(), reason);
        escrow = transition(escrow, EscrowStatus.DISPUTED, actor.label());
        outbox.append(Channels.escrow(id), new DisputeRaised(String.valueOf(id), String.valueOf(actor.userId()), reason));
        return escrow;
    }

    @Transactional
    public Escrow resolve(long id, Actor actor, boolean release, String note) {
        if (!actor.admin()) {
            throw ProblemException.forbidden("only an admin resolves a dispute");
        }
        Escrow escrow = lockVisibleWithPayment(id, actor);
        requireStatus(escrow, EscrowStatus.DISPUTED, "resolved");
        escrows.resolutionNote(id, note);
        return release ? transition(escrow, EscrowStatus.RELEASED, actor.label()) : refundHeld(escrow, actor.label());
    }

    /** Follows the escrow's payment, in the transaction that changed it. */
    void onPaymentChanged(@Observes PaymentStatusChanged change) {
        Payment payment = change.after();
        if (!Payment.ESCROW.equals(payment.kind()) || payment.escrowId() == null) {
            return;
        }
        if (change.before() != null && change.before().status().equals(payment.status())) {
            return; // a partial refund: the escrow's payment status is unchanged
        }
        Escrow escrow = escrows.find(payment.escrowId(), true).orElseThrow();
        String paymentStatus = Payment.SUCCEEDED.equals(payment.status()) ? "captured" : payment.status();
        outbox.append(Channels.escrow(escrow.id()),
                new PaymentStatus(String.valueOf(escrow.id()), paymentStatus, String.valueOf(payment.id())));
        if (Payment.SUCCEEDED.equals(payment.status()) && escrow.status() == EscrowStatus.INITIATED) {
            transition(escrow, EscrowStatus.HELD, "provider:" + payment.provider());
        } else if (Payment.REFUNDED.equals(payment.status()) && escrow.status().canMoveTo(EscrowStatus.REFUNDED)) {
            transition(escrow, EscrowStatus.REFUNDED, "provider:" + payment.provider());
        } else if (Payment.REFUNDED.equals(payment.status()) && escrow.status() == EscrowStatus.RELEASED) {
            LOG.warnf("payment %d of released escrow %d was refunded by the provider", payment.id(), escrow.id());
        }
    }

    private Escrow refundHeld(Escrow escrow, String actor) {
        Escrow refunded = transition(escrow, EscrowStatus.REFUNDED, actor);
        if (escrow.paymentId() != null) {
            payments.refund(escrow.paymentId(), null, "escrow", "escrow " + escrow.id() + " refunded",
                    "escrow:" + escrow.id());
        }
        return refunded;
    }

    private Escrow transition(Escrow escrow, EscrowStatus target, String actor) {
        if (!escrow.status().canMoveTo(target)) {
            throw ProblemException.conflict("escrow " + escrow.id() + " is " + escrow.status() + "; it cannot become "
                    + target);
        }
        Escrow after = escrows.move(escrow.id(), escrow.status(), target, actor);
        String channel = Channels.escrow(escrow.id());
        outbox.appendAll(List.of(
                new Outbox.Pending(channel, new StatusChange(String.valueOf(escrow.id()), escrow.status().name(),
                        target.name(), actor)),
                new Outbox.Pending(channel, update(after, target.name().toLowerCase(Locale.ROOT)))));
        return after;
    }

    /** Locks the escrow's payment (set at creation, never changed), then the escrow: the webhooks' order. */
    private Escrow lockVisibleWithPayment(long id, Actor actor) {
        Escrow unlocked = escrows.find(id, false).orElseThrow(() -> notFound(id));
        requireVisible(unlocked, actor);
        if (unlocked.paymentId() != null) {
            payments.lock(unlocked.paymentId());
        }
        Escrow escrow = escrows.find(id, true).orElseThrow(() -> notFound(id));
        if (!java.util.Objects.equals(escrow.paymentId(), unlocked.paymentId())) {
            throw new IllegalStateException("escrow " + id + " changed its payment");
        }
        return escrow;
    }

    private Escrow lockVisible(long id, Actor actor) {
        Escrow escrow = escrows.find(id, true).orElseThrow(() -> notFound(id));
        requireVisible(escrow, actor);
        return escrow;
    }

    private static void requireVisible(Escrow escrow, Actor actor) {
        if (!actor.admin() && !escrow.isParty(actor.userId())) {
            throw notFound(escrow.id());
        }
    }

    private static void requireStatus(Escrow escrow, EscrowStatus required, String action) {
        if (escrow.status() != required) {
            throw ProblemException.conflict("escrow " + escrow.id() + " is " + escrow.status() + "; only a "
                    + required + " escrow can be " + action);
        }
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("no escrow " + id);
    }

    private static EscrowUpdate update(Escrow escrow, String kind) {
        return new EscrowUpdate(String.valueOf(escrow.id()), escrow.status().name(), escrow.amount(), escrow.currency(),
                kind);
    }
}
