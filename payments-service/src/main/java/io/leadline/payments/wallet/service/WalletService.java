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
import io.leadline.shared.rpc.WalletReply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every balance change updates the wallet row and writes its ledger entry and {@code balance_updated}
 * in the caller's transaction. NATS debits and credits take the short path ({@code bookClaimed}: their
 * key is already claimed in {@code wallet_requests}); grants, top-ups and refunds go through
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

    @Transactional
    public WalletView view(long userId) {
        OptionalLong balance = wallets.balance(userId);
        if (balance.isEmpty()) {
            return new WalletView(userId, 0, List.of());
        }
        return new WalletView(userId, balance.getAsLong(),
                wallets.recentEntries(userId, config.wallet().recentEntries()));
    }

    /**
     * Books {@code change} credits (negative for a charge). Idempotent by {@code ledgerKey}: a repeat
     * returns the entry booked first, unchanged. When {@code capAtBalance} is set a charge larger than
     * the balance takes what is there instead of failing (used to claw back refunded top-ups).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public WalletChange book(long userId, long change, LedgerKind kind, String reason, String reference,
            String ledgerKey, boolean capAtBalance) {
        if (change > 0) {
            wallets.ensureWallet(userId);
        }
        OptionalLong locked = wallets.lockBalance(userId);
        Optional<LedgerEntry> earlier = wallets.findEntryByKey(ledgerKey);
        if (earlier.isPresent()) {
            long balance = locked.orElse(0);
            return new WalletChange(false, earlier.get(), balance, balance);
        }
        long previous = locked.orElse(0);
        long effective = change;
        if (previous + change < 0) {
            if (!capAtBalance) {
                return new WalletChange(false, null, previous, previous);
            }
            effective = -previous;
        }
        if (effective == 0) {
            return new WalletChange(false, null, previous, previous);
        }
        long balance = Math.addExact(previous, effective);
        wallets.setBalance(userId, balance);
        LedgerEntry entry = wallets.insertEntry(userId, effective, balance, kind.dbName(), reason, reference, ledgerKey);
        outbox.append(Channels.user(userId), new BalanceUpdated(balance, previous, effective, reason, reference));
        return new WalletChange(true, entry, previous, balance);
    }

    /**
     * The hot path of NATS debits and credits, whose keys {@code wallet_requests} has already claimed:
     * one conditional statement changes the balance (the row lock it takes serialises concurrent
     * charges of a wallet), then the ledger entry and the event follow.
     */
    private WalletChange bookClaimed(long userId, long change, LedgerKind kind, String reason, String reference,
            String ledgerKey) {
        long balance;
        if (change > 0) {
            balance = wallets.addToBalance(userId, change);
        } else {
            OptionalLong after = wallets.subtractIfCovered(userId, -change);
            if (after.isEmpty()) {
                return new WalletChange(false, null, 0, 0);
            }
            balance = after.getAsLong();
        }
        long previous = balance - change;
        LedgerEntry entry = wallets.insertEntry(userId, change, balance, kind.dbName(), reason, reference, ledgerKey);
        outbox.append(Channels.user(userId), new BalanceUpdated(balance, previous, change, reason, reference));
        return new WalletChange(true, entry, previous, balance);
    }

    /** An admin grant; a repeated {@code idempotencyKey} returns the first grant. */
    @Transactional
    public WalletChange grant(long userId, long amount, String reason, String idempotencyKey) {
        return book(userId, amount, LedgerKind.GRANT, reason, "grant", "grant:" + idempotencyKey, false);
    }

    /** A lead purchase. The request must be valid ({@link WalletRequests#validate}). */
    @Transactional
    public WalletReply debit(DebitRequest request) {
        long userId = Long.parseLong(request.userId());
        Optional<StoredRequest> earlier = requests.claim(DEBIT, request.idempotencyKey(), userId, request.amount(),
                request.reference());
        if (earlier.isPresent()) {
            return replay(earlier.get(), userId, request.amount(), request.reference());
        }
        WalletChange change = bookClaimed(userId, -request.amount(), LedgerKind.DEBIT, "lead_purchase",
                request.reference(), DEBIT + ":" + request.idempotencyKey());
        WalletReply reply = change.insufficient()
                ? WalletReply.failure(WalletReply.INSUFFICIENT_FUNDS)
                : WalletReply.success(change.balance());
        requests.answer(DEBIT, request.idempotencyKey(), reply);
        return reply;
    }

    /** A compensating credit. The request must be valid ({@link WalletRequests#validate}). */
    @Transactional
    public WalletReply credit(CreditRequest request) {
        long userId = Long.parseLong(request.userId());
        Optional<StoredRequest> earlier = requests.claim(CREDIT, request.idempotencyKey(), userId, request.amount(),
                request.reference());
        if (earlier.isPresent()) {
            return replay(earlier.get(), userId, request.amount(), request.reference());
        }
        String reason = request.reason() == null || request.reason().isBlank() ? "compensation" : request.reason();
        WalletChange change = bookClaimed(userId, request.amount(), LedgerKind.CREDIT, reason, request.reference(),
                CREDIT + ":" + request.idempotencyKey());
        WalletReply reply = WalletReply.success(change.balance());
        requests.answer(CREDIT, request.idempotencyKey(), reply);
        return reply;
    }

    private static WalletReply replay(StoredRequest earlier, long userId, long amount, String reference) {
        return earlier.sameAs(userId, amount, reference) ? earlier.reply() : WalletReply.failure(WalletReply.KEY_REUSED);
    }
}
