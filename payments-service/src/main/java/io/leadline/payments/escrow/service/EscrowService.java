package io.leadline.payments.escrow.service;

import io.leadline.payments.escrow.Escrow;
import io.leadline.payments.escrow.EscrowStatus;
import io.leadline.payments.escrow.repository.EscrowRepository;
import io.leadline.payments.money.Money;
import io.leadline.payments.transaction.Payment;
import io.leadline.payments.transaction.PaymentObserver;
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
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The escrow state machine. Who may do what: the buyer releases, the seller refunds, either party
 * confirms (both confirmations release) or disputes a held escrow, an admin may release or refund a
 * held escrow and alone resolves a dispute. Someone who is neither a party nor an admin gets 404, so
 * escrow ids reveal nothing; a party asking for what its role may not do gets 403; a move the state
 * machine forbids is 409. Every refusal happens before anything is written.
 *
 * <p>Lock order: the payment row, then the escrow row. A provider webhook locks the payment and then,
 * through {@link #paymentChanged}, the escrow; so every move here that touches the payment (refund,
 * a dispute resolved as a refund) locks the payment before the escrow too.
 */
@ApplicationScoped
public class EscrowService implements PaymentObserver {

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
     * waits for a NATS reply (without holding a thread) and must not hold a database connection
     * meanwhile. The answer may come on a NATS thread.
     */
    public Uni<Void> requireSeller(Actor buyer, long sellerId) {
        if (sellerId == buyer.userId()) {
            return Uni.createFrom().failure(ProblemException.invalidField("seller_id", "must not be the buyer"));
        }
        return directory.exists(sellerId).invoke(exists -> {
            if (!exists) {
                throw ProblemException.unprocessableField("seller_id", "no user " + sellerId);
            }
        }).replaceWithVoid();
    }

    /** Creates the escrow and its payment; the seller was checked with {@link #requireSeller}. */
    public Uni<Created> create(Actor buyer, long sellerId, BigDecimal amount, String currency, String description,
            String provider) {
        if (sellerId == buyer.userId()) {
            return Uni.createFrom().failure(ProblemException.invalidField("seller_id", "must not be the buyer"));
        }
        return outbox.inTransaction(() -> escrows.insert(buyer.userId(), sellerId, amount, currency, description)
                .call(escrow -> escrows.created(escrow.id(), buyer.label()))
                .flatMap(escrow -> payments.createEscrowPayment(buyer.userId(), Money.ofMajor(amount, currency),
                                provider, escrow.id())
                        .flatMap(payment -> escrows.setPayment(escrow.id(), payment.id())
                                .call(withPayment -> outbox.append(Channels.escrow(withPayment.id()),
                                        update(withPayment, "created")))
                                .map(withPayment -> new Created(withPayment, payment)))));
    }

    public Uni<Escrow> view(long id, Actor actor) {
        return Panache.withTransaction(() -> escrows.find(id, false)).map(found -> {
            Escrow escrow = found.orElseThrow(() -> notFound(id));
            requireVisible(escrow, actor);
            return escrow;
        });
    }

    public Uni<Escrow> confirm(long id, Actor actor, String note) {
        return outbox.inTransaction(() -> lockVisible(id, actor).flatMap(escrow -> {
            if (!escrow.isParty(actor.userId())) {
                throw ProblemException.forbidden("only the buyer or the seller can confirm");
            }
            requireStatus(escrow, EscrowStatus.HELD, "confirmed");
            boolean buyer = actor.userId() == escrow.buyerId();
            if (buyer ? escrow.buyerConfirmed() : escrow.sellerConfirmed()) {
                return Uni.createFrom().item(escrow); // confirming twice changes nothing
            }
            return escrows.confirm(id, buyer)
                    .call(() -> outbox.append(Channels.escrow(id), new ConfirmationAdded(String.valueOf(id),
                            buyer ? "buyer" : "seller", String.valueOf(actor.userId()), note)))
                    .flatMap(confirmed -> confirmed.buyerConfirmed() && confirmed.sellerConfirmed()
                            ? transition(confirmed, EscrowStatus.RELEASED, "confirmations")
                            : Uni.createFrom().item(confirmed));
        }));
    }

    public Uni<Escrow> release(long id, Actor actor) {
        return outbox.inTransaction(() -> lockVisible(id, actor).flatMap(escrow -> {
            if (!actor.admin() && actor.userId() != escrow.buyerId()) {
                throw ProblemException.forbidden("only the buyer or an admin can release the funds");
            }
            requireStatus(escrow, EscrowStatus.HELD, "released (a disputed escrow is resolved by an admin)");
            return transition(escrow, EscrowStatus.RELEASED, actor.label());
        }));
    }

    public Uni<Escrow> refund(long id, Actor actor) {
        return outbox.inTransaction(() -> lockVisibleWithPayment(id, actor).flatMap(escrow -> {
            if (!actor.admin() && actor.userId() != escrow.sellerId()) {
                throw ProblemException.forbidden("only the seller or an admin can refund; a buyer raises a dispute");
            }
            requireStatus(escrow, EscrowStatus.HELD, "refunded (a disputed escrow is resolved by an admin)");
            return refundHeld(escrow, actor.label());
        }));
    }

    public Uni<Escrow> dispute(long id, Actor actor, String reason) {
        return outbox.inTransaction(() -> lockVisible(id, actor).flatMap(escrow -> {
            if (!escrow.isParty(actor.userId())) {
                throw ProblemException.forbidden("only the buyer or the seller can raise a dispute");
            }
            requireStatus(escrow, EscrowStatus.HELD, "disputed");
            return escrows.dispute(id, actor.userId(), reason)
                    .chain(() -> transition(escrow, EscrowStatus.DISPUTED, actor.label()))
                    .call(() -> outbox.append(Channels.escrow(id), new DisputeRaised(String.valueOf(id),
                            String.valueOf(actor.userId()), reason)));
        }));
    }

    public Uni<Escrow> resolve(long id, Actor actor, boolean release, String note) {
        if (!actor.admin()) {
            return Uni.createFrom().failure(ProblemException.forbidden("only an admin resolves a dispute"));
        }
        return outbox.inTransaction(() -> lockVisibleWithPayment(id, actor).flatMap(escrow -> {
            requireStatus(escrow, EscrowStatus.DISPUTED, "resolved");
            return escrows.resolutionNote(id, note).chain(() -> release
                    ? transition(escrow, EscrowStatus.RELEASED, actor.label())
                    : refundHeld(escrow, actor.label()));
        }));
    }

    /** Follows the escrow's payment, in the transaction that changed it. */
    @Override
    public Uni<Void> paymentChanged(PaymentStatusChanged change) {
        Payment payment = change.after();
        if (!Payment.ESCROW.equals(payment.kind()) || payment.escrowId() == null) {
            return Uni.createFrom().voidItem();
        }
        if (change.before() != null && change.before().status().equals(payment.status())) {
            return Uni.createFrom().voidItem(); // a partial refund: the escrow's payment status is unchanged
        }
        String paymentStatus = Payment.SUCCEEDED.equals(payment.status()) ? "captured" : payment.status();
        return escrows.find(payment.escrowId(), true).map(found -> found.orElseThrow())
                .call(escrow -> outbox.append(Channels.escrow(escrow.id()),
                        new PaymentStatus(String.valueOf(escrow.id()), paymentStatus, String.valueOf(payment.id()))))
                .flatMap(escrow -> {
                    if (Payment.SUCCEEDED.equals(payment.status()) && escrow.status() == EscrowStatus.INITIATED) {
                        return transition(escrow, EscrowStatus.HELD, "provider:" + payment.provider());
                    } else if (Payment.REFUNDED.equals(payment.status())
                            && escrow.status().canMoveTo(EscrowStatus.REFUNDED)) {
                        return transition(escrow, EscrowStatus.REFUNDED, "provider:" + payment.provider());
                    } else if (Payment.REFUNDED.equals(payment.status()) && escrow.status() == EscrowStatus.RELEASED) {
                        LOG.warnf("payment %d of released escrow %d was refunded by the provider", payment.id(),
                                escrow.id());
                    }
                    return Uni.createFrom().item(escrow);
                })
                .replaceWithVoid();
    }

    private Uni<Escrow> refundHeld(Escrow escrow, String actor) {
        return transition(escrow, EscrowStatus.REFUNDED, actor).call(() -> escrow.paymentId() == null
                ? Uni.createFrom().voidItem()
                : payments.refund(escrow.paymentId(), null, "escrow", "escrow " + escrow.id() + " refunded",
                        "escrow:" + escrow.id()));
    }

    private Uni<Escrow> transition(Escrow escrow, EscrowStatus target, String actor) {
        if (!escrow.status().canMoveTo(target)) {
            return Uni.createFrom().failure(ProblemException.conflict("escrow " + escrow.id() + " is "
                    + escrow.status() + "; it cannot become " + target));
        }
        String channel = Channels.escrow(escrow.id());
        return escrows.move(escrow.id(), escrow.status(), target, actor)
                .call(after -> outbox.appendAll(List.of(
                        new Outbox.Pending(channel, new StatusChange(String.valueOf(escrow.id()),
                                escrow.status().name(), target.name(), actor)),
                        new Outbox.Pending(channel, update(after, target.name().toLowerCase(Locale.ROOT))))));
    }

    /** Locks the escrow's payment (set at creation, never changed), then the escrow: the webhooks' order. */
    private Uni<Escrow> lockVisibleWithPayment(long id, Actor actor) {
        return escrows.find(id, false).flatMap(found -> {
            Escrow unlocked = found.orElseThrow(() -> notFound(id));
            requireVisible(unlocked, actor);
            Uni<?> paymentLocked = unlocked.paymentId() == null ? Uni.createFrom().voidItem()
                    : payments.lock(unlocked.paymentId());
            return paymentLocked.chain(() -> escrows.find(id, true)).map(again -> {
                Escrow escrow = again.orElseThrow(() -> notFound(id));
                if (!Objects.equals(escrow.paymentId(), unlocked.paymentId())) {
                    throw new IllegalStateException("escrow " + id + " changed its payment");
                }
                return escrow;
            });
        });
    }

    private Uni<Escrow> lockVisible(long id, Actor actor) {
        return escrows.find(id, true).map(found -> {
            Escrow escrow = found.orElseThrow(() -> notFound(id));
            requireVisible(escrow, actor);
            return escrow;
        });
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
