package io.leadline.leads.support;

import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.VoidReply;
import io.leadline.shared.rpc.VoidRequest;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Message;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for payments-service on the test's private NATS server, keeping the contract: debits
 * idempotent by key (a repeated key gets the first answer), never below zero, credits idempotent.
 * A "silent" wallet books the debit but never answers, like a reply lost on the way back. A repeated
 * key with another user, amount or reference gets {@code key_reused}, as payments answers it. A void
 * consumes a debit's key as payments does: {@code debited} when it was booked, else {@code voided}, and
 * a later debit with that key is answered {@code voided}.
 */
public final class TestWallet implements AutoCloseable {

    private final Connection connection;
    private final Map<String, Long> balances = new ConcurrentHashMap<>();
    private final Map<String, Stored> answers = new ConcurrentHashMap<>();
    private final Map<String, Failure> nextDebitFails = new ConcurrentHashMap<>();
    private final List<String> debitKeys = new CopyOnWriteArrayList<>();
    private final Map<String, List<String>> debitKeysByUser = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> debits = new ConcurrentHashMap<>();
    private final Map<String, Long> credits = new ConcurrentHashMap<>();
    private final Map<String, Runnable> beforeNextDebitAnswer = new ConcurrentHashMap<>();
    private final Map<String, List<String>> voidKeysByUser = new ConcurrentHashMap<>();

    private TestWallet() throws Exception {
        connection = LeadlineTestResources.nats().connect(NatsIdentity.PAYMENTS); // plays payments-service
        var dispatcher = connection.createDispatcher();
        dispatcher.subscribe(PaymentSubjects.DEBIT, this::debit);
        dispatcher.subscribe(PaymentSubjects.CREDIT, this::credit);
        dispatcher.subscribe(PaymentSubjects.VOID, this::voidDebit);
        connection.flush(NatsTestServer.CLIENT_TIMEOUT); // the server has the subscriptions before any claim
    }

    private record Stored(String userId, long amount, String reference, WalletReply answer) {
    }

    private record Failure(String reason, boolean booked) {
    }

    public static TestWallet start() throws Exception {
        return new TestWallet();
    }

    public void fund(long userId, long amount) {
        balances.put(Long.toString(userId), amount);
    }

    public long balance(long userId) {
        return balances.getOrDefault(Long.toString(userId), 0L);
    }

    public void silence(long userId) {
        silent.add(Long.toString(userId));
    }

    public void unsilence(long userId) {
        silent.remove(Long.toString(userId));
    }

    /**
     * The next debit request of this user is answered {@code reason}; when {@code booked} the debit is
     * booked first (like a COMMIT that went through before the error), and a repeat of its key gets
     * the booked answer; otherwise nothing is booked or remembered (like {@code busy}).
     */
    public void failNextDebit(long userId, String reason, boolean booked) {
        nextDebitFails.put(Long.toString(userId), new Failure(reason, booked));
    }

    /**
     * Runs {@code action} while the next debit of this user is being handled, after it is booked and
     * before its answer goes back: something that happens while a claim is being paid for.
     */
    public void beforeNextDebitAnswer(long userId, Runnable action) {
        beforeNextDebitAnswer.put(Long.toString(userId), action);
    }

    /** A debit this wallet booked in an earlier life, e.g. before the leads database was restored. */
    public void remember(String debitKey, long userId, long amount, String reference) {
        answers.put("debit:" + debitKey, new Stored(Long.toString(userId), amount, reference, WalletReply.success(0)));
    }

    /** Every debit key asked for, repeats included, in order. */
    public List<String> debitKeys() {
        return List.copyOf(debitKeys);
    }

    /**
     * The debit keys asked for one user, repeats included, in order: other tests' claims (a settlement
     * retried in the background) may ask this wallet too, for their own users.
     */
    public List<String> debitKeys(long userId) {
        return List.copyOf(debitKeysByUser.getOrDefault(Long.toString(userId), List.of()));
    }

    /** The keys of the voids asked for one user, repeats included, in order. */
    public List<String> voidKeys(long userId) {
        return List.copyOf(voidKeysByUser.getOrDefault(Long.toString(userId), List.of()));
    }

    /** Debits actually booked for a user (repeats of a key count once). */
    public long debitCount(long userId) {
        return debits.getOrDefault(Long.toString(userId), 0L);
    }

    public long creditCount(long userId) {
        return credits.getOrDefault(Long.toString(userId), 0L);
    }

    private synchronized void debit(Message message) {
        DebitRequest request = JsonCodec.decode(message.getData(), DebitRequest.class);
        debitKeys.add(request.idempotencyKey());
        debitKeysByUser.computeIfAbsent(request.userId(), user -> new CopyOnWriteArrayList<>()).add(request.idempotencyKey());
        Failure failure = nextDebitFails.remove(request.userId());
        if (failure != null && !failure.booked()) {
            connection.publish(message.getReplyTo(), JsonCodec.encode(WalletReply.failure(failure.reason())));
            return;
        }
        Stored stored = answers.computeIfAbsent("debit:" + request.idempotencyKey(), key -> {
            long balance = balances.getOrDefault(request.userId(), 0L);
            if (balance < request.amount()) {
                return stored(request, WalletReply.failure(WalletReply.INSUFFICIENT_FUNDS));
            }
            balances.put(request.userId(), balance - request.amount());
            debits.merge(request.userId(), 1L, Long::sum);
            return stored(request, WalletReply.success(balance - request.amount()));
        });
        WalletReply answer = failure != null ? WalletReply.failure(failure.reason())
                : sameRequest(stored, request.userId(), request.amount(), request.reference()) ? stored.answer()
                : WalletReply.failure(WalletReply.KEY_REUSED);
        Runnable action = beforeNextDebitAnswer.remove(request.userId());
        if (action != null) {
            action.run();
        }
        if (!silent.contains(request.userId())) {
            connection.publish(message.getReplyTo(), JsonCodec.encode(answer));
        }
    }

    private synchronized void voidDebit(Message message) {
        VoidRequest request = JsonCodec.decode(message.getData(), VoidRequest.class);
        voidKeysByUser.computeIfAbsent(request.userId(), user -> new CopyOnWriteArrayList<>()).add(request.idempotencyKey());
        Stored stored = answers.computeIfAbsent("debit:" + request.idempotencyKey(), key -> new Stored(request.userId(),
                request.amount(), request.reference(), WalletReply.failure(WalletReply.VOIDED)));
        VoidReply answer = !sameRequest(stored, request.userId(), request.amount(), request.reference())
                ? VoidReply.failure(WalletReply.KEY_REUSED)
                : stored.answer().ok() ? VoidReply.debited(stored.answer().newBalance()) : VoidReply.voided();
        connection.publish(message.getReplyTo(), JsonCodec.encode(answer));
    }

    private synchronized void credit(Message message) {
        CreditRequest request = JsonCodec.decode(message.getData(), CreditRequest.class);
        Stored stored = answers.computeIfAbsent("credit:" + request.idempotencyKey(), key -> {
            long balance = balances.merge(request.userId(), request.amount(), Long::sum);
            credits.merge(request.userId(), 1L, Long::sum);
            return new Stored(request.userId(), request.amount(), request.reference(), WalletReply.success(balance));
        });
        WalletReply answer = sameRequest(stored, request.userId(), request.amount(), request.reference())
                ? stored.answer() : WalletReply.failure(WalletReply.KEY_REUSED);
        connection.publish(message.getReplyTo(), JsonCodec.encode(answer));
    }

    private static Stored stored(DebitRequest request, WalletReply answer) {
        return new Stored(request.userId(), request.amount(), request.reference(), answer);
    }

    private static boolean sameRequest(Stored stored, String userId, long amount, String reference) {
        return stored.userId().equals(userId) && stored.amount() == amount
                && java.util.Objects.equals(stored.reference(), reference);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
