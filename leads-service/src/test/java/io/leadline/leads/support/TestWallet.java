package io.leadline.leads.support;

import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for payments-service on the test's private NATS server, keeping the contract: debits
 * idempotent by key (a repeated key gets the first answer), never below zero, credits idempotent.
 * A "silent" wallet books the debit but never answers, like a reply lost on the way back.
 */
public final class TestWallet implements AutoCloseable {

    private final Connection connection;
    private final Map<String, Long> balances = new ConcurrentHashMap<>();
    private final Map<String, WalletReply> answers = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> debits = new ConcurrentHashMap<>();
    private final Map<String, Long> credits = new ConcurrentHashMap<>();

    private TestWallet() throws Exception {
        connection = Nats.connect(LeadlineTestResources.nats().url());
        var dispatcher = connection.createDispatcher();
        dispatcher.subscribe(PaymentSubjects.DEBIT, this::debit);
        dispatcher.subscribe(PaymentSubjects.CREDIT, this::credit);
        connection.flush(java.time.Duration.ofSeconds(5));
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

    /** Debits actually booked for a user (repeats of a key count once). */
    public long debitCount(long userId) {
        return debits.getOrDefault(Long.toString(userId), 0L);
    }

    public long creditCount(long userId) {
        return credits.getOrDefault(Long.toString(userId), 0L);
    }

    private synchronized void debit(Message message) {
        DebitRequest request = JsonCodec.decode(message.getData(), DebitRequest.class);
        WalletReply answer = answers.computeIfAbsent("debit:" + request.idempotencyKey(), key -> {
            long balance = balances.getOrDefault(request.userId(), 0L);
            if (balance < request.amount()) {
                return WalletReply.failure(WalletReply.INSUFFICIENT_FUNDS);
            }
            balances.put(request.userId(), balance - request.amount());
            debits.merge(request.userId(), 1L, Long::sum);
            return WalletReply.success(balance - request.amount());
        });
        if (!silent.contains(request.userId())) {
            connection.publish(message.getReplyTo(), JsonCodec.encode(answer));
        }
    }

    private synchronized void credit(Message message) {
        CreditRequest request = JsonCodec.decode(message.getData(), CreditRequest.class);
        WalletReply answer = answers.computeIfAbsent("credit:" + request.idempotencyKey(), key -> {
            long balance = balances.merge(request.userId(), request.amount(), Long::sum);
            credits.merge(request.userId(), 1L, Long::sum);
            return WalletReply.success(balance);
        });
        connection.publish(message.getReplyTo(), JsonCodec.encode(answer));
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
