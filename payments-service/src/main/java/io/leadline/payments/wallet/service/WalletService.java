package io.leadline.payments.wallet.service;

import io.leadline.payments.config.PaymentsConfig;
import io.leadline.payments.wallet.LedgerEntry;
import io.leadline.payments.wallet.LedgerKind;
import io.leadline.payments.wallet.WalletChange;
import io.leadline.payments.wallet.repository.WalletRepository;
import io.leadline.payments.wallet.repository.WalletRequestRepository;
import io.leadline.payments.wallet.repository.WalletRequestRepository.StoredRequest;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.VoidReply;
import io.leadline.shared.rpc.VoidRequest;
import io.leadline.shared.rpc.WalletReply;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Every balance change updates the wallet row and writes its ledger entry and {@code balance_updated}
 * in the caller's reactive transaction. NATS debits and credits take the short path ({@code bookClaimed}:
 * their key is already claimed in {@code wallet_requests}); grants, top-ups and refunds go through
 * {@link #book}, which locks the wallet and checks the ledger key itself. The database refuses a
 * negative balance (CHECK) and a second entry for a key (UNIQUE) on its own.
 */
@ApplicationScoped
public class WalletService {

    static final String DEBIT = "debit";
    static final String CREDIT = "credit";

    @Inject
    WalletRepository wallets;

    @Inject
    WalletRequestRepository requests;

    @Inject
    Outbox outbox;

    @Inject
    PaymentsConfig config;

    public record WalletView(long userId, long balance, List<LedgerEntry> entries) {
    }

    public Uni<WalletView> view(long userId) {
        return Panache.withTransaction(() -> wallets.balance(userId).flatMap(balance -> balance.isEmpty()
                ? Uni.createFrom().item(new WalletView(userId, 0, List.of()))
                : wallets.recentEntries(userId, config.wallet().recentEntries())
                        .map(entries -> new WalletView(userId, balance.getAsLong(), entries))));
    }

    /**
     * Books {@code change} credits (negative for a charge), in the caller's transaction. Idempotent by
     * {@code ledgerKey}: a repeat returns the entry booked first, unchanged. When {@code capAtBalance} is
     * set a charge larger than the balance takes what is there instead of failing (used to claw back
     * refunded top-ups).
     */
    public Uni<WalletChange> book(long userId, long change, LedgerKind kind, String reason, String reference,
            String ledgerKey, boolean capAtBalance) {
        Uni<Void> wallet = change > 0 ? wallets.ensureWallet(userId) : Uni.createFrom().voidItem();
        return wallet.chain(() -> wallets.lockBalance(userId))
                .flatMap(locked -> wallets.findEntryByKey(ledgerKey).flatMap(earlier -> {
                    long previous = locked.orElse(0);
                    if (earlier.isPresent()) {
                        return Uni.createFrom().item(new WalletChange(false, earlier.get(), previous, previous));
                    }
                    long effective = change;
                    if (previous + change < 0) {
                        if (!capAtBalance) {
                            return Uni.createFrom().item(new WalletChange(false, null, previous, previous));
                        }
                        effective = -previous;
                    }
                    if (effective == 0) {
                        return Uni.createFrom().item(new WalletChange(false, null, previous, previous));
                    }
                    long applied = effective;
                    long balance = Math.addExact(previous, applied);
                    return wallets.setBalance(userId, balance)
                            .chain(() -> record(userId, previous, applied, balance, kind, reason, reference,
                                    ledgerKey));
                }));
    }

    /**
     * The hot path of NATS debits and credits, whose keys {@code wallet_requests} has already claimed:
     * one conditional statement changes the balance (the row lock it takes serialises concurrent
     * charges of a wallet), then the ledger entry and the event follow.
     */
    private Uni<WalletChange> bookClaimed(long userId, long change, LedgerKind kind, String reason, String reference,
            String ledgerKey) {
        Uni<OptionalLong> after = change > 0
                ? wallets.addToBalance(userId, change).map(OptionalLong::of)
                : wallets.subtractIfCovered(userId, -change);
        return after.flatMap(balance -> balance.isEmpty()
                ? Uni.createFrom().item(new WalletChange(false, null, 0, 0))
                : record(userId, balance.getAsLong() - change, change, balance.getAsLong(), kind, reason, reference,
                        ledgerKey));
    }

    /** The ledger entry and {@code balance_updated} of a change already made to the wallet row. */
    private Uni<WalletChange> record(long userId, long previous, long change, long balance, LedgerKind kind,
            String reason, String reference, String ledgerKey) {
        return wallets.insertEntry(userId, change, balance, kind.dbName(), reason, reference, ledgerKey)
                .call(() -> outbox.append(Channels.user(userId),
                        new BalanceUpdated(balance, previous, change, reason, reference)))
                .map(entry -> new WalletChange(true, entry, previous, balance));
    }

    /** An admin grant; a repeated {@code idempotencyKey} returns the first grant. */
    public Uni<WalletChange> grant(long userId, long amount, String reason, String idempotencyKey) {
        return outbox.inTransaction(() -> book(userId, amount, LedgerKind.GRANT, reason, "grant",
                "grant:" + idempotencyKey, false));
    }

    /** A lead purchase. The request must be valid ({@link WalletRequests#validate}). */
    public Uni<WalletReply> debit(DebitRequest request) {
        long userId = Long.parseLong(request.userId());
        return claimed(DEBIT, request.idempotencyKey(), userId, request.amount(), request.reference(),
                () -> bookClaimed(userId, -request.amount(), LedgerKind.DEBIT, "lead_purchase", request.reference(),
                        DEBIT + ":" + request.idempotencyKey())
                        .map(change -> change.insufficient()
                                ? WalletReply.failure(WalletReply.INSUFFICIENT_FUNDS)
                                : WalletReply.success(change.balance())));
    }

    /**
     * Settles a debit whose outcome its asker does not know, moving no money: consumes the debit's key in the
     * same {@code wallet_requests} row a debit claims, so that whichever of the two commits first decides.
     * {@code debited} when a debit was booked under it; {@code voided} when none was (or the debit was
     * refused), and from now on a debit with that key is answered {@code voided} and books nothing.
     */
    public Uni<VoidReply> voidDebit(VoidRequest request) {
        long userId = Long.parseLong(request.userId());
        return Panache.withTransaction(() -> requests.consume(DEBIT, request.idempotencyKey(), userId,
                        request.amount(), request.reference()))
                .map(earlier -> {
                    if (earlier.isEmpty()) {
                        return VoidReply.voided();
                    }
                    if (!earlier.get().sameAs(userId, request.amount(), request.reference())) {
                        return VoidReply.failure(WalletReply.KEY_REUSED);
                    }
                    WalletReply debit = earlier.get().reply();
                    return debit.ok() ? VoidReply.debited(debit.newBalance()) : VoidReply.voided();
                });
    }

    /** A compensating credit. The request must be valid ({@link WalletRequests#validate}). */
    public Uni<WalletReply> credit(CreditRequest request) {
        long userId = Long.parseLong(request.userId());
        String reason = request.reason() == null || request.reason().isBlank() ? "compensation" : request.reason();
        return claimed(CREDIT, request.idempotencyKey(), userId, request.amount(), request.reference(),
                () -> bookClaimed(userId, request.amount(), LedgerKind.CREDIT, reason, request.reference(),
                        CREDIT + ":" + request.idempotencyKey())
                        .map(change -> WalletReply.success(change.balance())));
    }

    /**
     * In one transaction: claims the request's key, then either replays the answer stored for it or books the
     * request ({@code booking}) and stores its answer.
     */
    private Uni<WalletReply> claimed(String operation, String key, long userId, long amount, String reference,
            Supplier<Uni<WalletReply>> booking) {
        return outbox.inTransaction(() -> requests.claim(operation, key, userId, amount, reference)
                .flatMap(earlier -> earlier.isPresent()
                        ? Uni.createFrom().item(replay(earlier.get(), userId, amount, reference))
                        : booking.get().call(reply -> requests.answer(operation, key, reply))));
    }

    private static WalletReply replay(StoredRequest earlier, long userId, long amount, String reference) {
        return earlier.sameAs(userId, amount, reference) ? earlier.reply() : WalletReply.failure(WalletReply.KEY_REUSED);
    }
}
