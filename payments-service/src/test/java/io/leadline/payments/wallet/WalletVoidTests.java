package io.leadline.payments.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.leadline.payments.wallet.WalletDebitTests.debit;
import static io.leadline.payments.wallet.WalletDebitTests.grant;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code svc.payments.void}: settling a debit of unknown outcome without a charge-then-refund. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class WalletVoidTests {

    private static final Logger LOG = Logger.getLogger(WalletVoidTests.class);
    private static final int THREADS = 16;

    @Inject
    TestDatabase dataSource;

    @Test
    void aVoidBeforeTheDebitConsumesTheKeySoTheLateDebitIsRefusedAndChargesNothing() {
        long user = Users.next();
        grant(user, 10);
        String request = debit(String.valueOf(user), 4, "late-" + user, "lead-3");

        JsonNode voided = TestNats.request(PaymentSubjects.VOID, request);
        JsonNode lateDebit = TestNats.request(PaymentSubjects.DEBIT, request);

        assertThat(voided.path("outcome").asText()).isEqualTo("voided");
        assertThat(lateDebit.path("ok").asBoolean()).isFalse();
        assertThat(lateDebit.path("reason").asText()).isEqualTo("voided");
        assertThat(TestNats.request(PaymentSubjects.VOID, request)).as("a repeated void").isEqualTo(voided);
        assertBalanceIsLedgerSum(user, 10);
        assertThat(ledgerEntries(user)).as("the grant only, no debit and no refund").isEqualTo(1);
    }

    @Test
    void aVoidIsNotHeldToTheCurrentMaxAmountSoADebitBookedUnderAHigherOneIsStillFound() {
        long user = Users.next();
        // above leadline.payments.wallet.max-amount (10^9): a debit would be refused, the void must still answer
        String request = debit(String.valueOf(user), 2_000_000_000L, "above-max-" + user, "lead-9");

        JsonNode voided = TestNats.request(PaymentSubjects.VOID, request);

        assertThat(voided.path("outcome").asText()).isEqualTo("voided");
    }

    @Test
    void aVoidAfterABookedDebitAnswersDebitedAndMovesNoMoney() {
        long user = Users.next();
        grant(user, 10);
        String request = debit(String.valueOf(user), 4, "booked-" + user, "lead-4");
        TestNats.request(PaymentSubjects.DEBIT, request);

        JsonNode answer = TestNats.request(PaymentSubjects.VOID, request);

        assertThat(answer.path("outcome").asText()).isEqualTo("debited");
        assertThat(answer.path("new_balance").asLong()).isEqualTo(6);
        assertThat(TestNats.request(PaymentSubjects.DEBIT, request).path("new_balance").asLong())
                .as("the debit still replays its first answer").isEqualTo(6);
        assertBalanceIsLedgerSum(user, 6);
        assertThat(ledgerEntries(user)).isEqualTo(2);
    }

    @Test
    void aVoidAfterARefusedDebitIsVoidedAndAVoidOfAnotherRequestUnderTheKeyIsReused() {
        long user = Users.next();
        grant(user, 2);
        String request = debit(String.valueOf(user), 5, "short-" + user, "lead-5");
        assertThat(TestNats.request(PaymentSubjects.DEBIT, request).path("reason").asText())
                .isEqualTo("insufficient_funds");

        assertThat(TestNats.request(PaymentSubjects.VOID, request).path("outcome").asText()).isEqualTo("voided");
        assertThat(TestNats.request(PaymentSubjects.VOID, debit(String.valueOf(user), 1, "short-" + user, "lead-5"))
                .path("outcome").asText()).isEqualTo("key_reused");
        assertThat(TestNats.request(PaymentSubjects.VOID, debit(String.valueOf(user), 0, "zero-" + user, "lead-5"))
                .path("outcome").asText()).isEqualTo("invalid_request");
        assertThat(TestNats.request(PaymentSubjects.VOID, "not json").path("outcome").asText())
                .isEqualTo("invalid_request");
        assertBalanceIsLedgerSum(user, 2);
    }

    /**
     * Debits and voids of one key race: whichever commits first decides, and every answer agrees with it. Many
     * keys, so that both orders happen; a wallet too small for all of them, so that a key booked twice would
     * show up as a short balance or a refused debit.
     */
    @Test
    void concurrentDebitsAndVoidsOfOneKeyHaveExactlyOneOutcome() throws Exception {
        long user = Users.next();
        int keys = 30;
        grant(user, keys * 3L);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        int debitedKeys = 0;
        int voidedKeys = 0;
        try {
            for (int k = 0; k < keys; k++) {
                String request = debit(String.valueOf(user), 3, "race-" + user + "-" + k, "lead-" + k);
                List<JsonNode> debits = new ArrayList<>();
                List<JsonNode> voids = new ArrayList<>();
                race(pool, request, debits, voids);

                boolean debited = debits.stream().anyMatch(reply -> reply.path("ok").asBoolean());
                if (debited) {
                    debitedKeys++;
                    long balance = debits.stream().filter(reply -> reply.path("ok").asBoolean()).findFirst()
                            .orElseThrow().path("new_balance").asLong();
                    assertThat(debits).as("key %d: every debit replays the one booking", k).allSatisfy(reply -> {
                        assertThat(reply.path("ok").asBoolean()).isTrue();
                        assertThat(reply.path("new_balance").asLong()).isEqualTo(balance);
                    });
                    assertThat(voids).as("key %d: every void sees the booking", k).allSatisfy(reply -> {
                        assertThat(reply.path("outcome").asText()).isEqualTo("debited");
                        assertThat(reply.path("new_balance").asLong()).isEqualTo(balance);
                    });
                    assertThat(debitEntries("race-" + user + "-" + k)).isEqualTo(1);
                } else {
                    voidedKeys++;
                    assertThat(debits).as("key %d: every debit is refused as voided", k).allSatisfy(reply -> {
                        assertThat(reply.path("ok").asBoolean()).isFalse();
                        assertThat(reply.path("reason").asText()).isEqualTo("voided");
                    });
                    assertThat(voids).as("key %d", k)
                            .allSatisfy(reply -> assertThat(reply.path("outcome").asText()).isEqualTo("voided"));
                    assertThat(debitEntries("race-" + user + "-" + k)).isZero();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        LOG.infof("void race: %d keys debited first, %d voided first", debitedKeys, voidedKeys);
        assertThat(debitedKeys + voidedKeys).isEqualTo(keys);
        assertBalanceIsLedgerSum(user, keys * 3L - debitedKeys * 3L);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ? AND balance_after < 0",
                user)).isZero();
        assertThat(ledgerEntries(user)).as("the grant and one entry per debited key").isEqualTo(1 + debitedKeys);
    }

    /** Half the threads debit, half void, all released at once. */
    private static void race(ExecutorService pool, String request, List<JsonNode> debits, List<JsonNode> voids)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            String subject = i % 2 == 0 ? PaymentSubjects.DEBIT : PaymentSubjects.VOID;
            calls.add(() -> {
                start.await(60, TimeUnit.SECONDS);
                return TestNats.request(subject, request);
            });
        }
        List<Future<JsonNode>> futures = new ArrayList<>();
        for (Callable<JsonNode> call : calls) {
            futures.add(pool.submit(call));
        }
        start.countDown();
        for (int i = 0; i < futures.size(); i++) {
            (i % 2 == 0 ? debits : voids).add(futures.get(i).get(120, TimeUnit.SECONDS));
        }
    }

    private void assertBalanceIsLedgerSum(long user, long expected) {
        assertThat(Db.scalar(dataSource, "SELECT balance FROM wallets WHERE user_id = ?", user)).isEqualTo(expected);
        assertThat(Db.scalar(dataSource, "SELECT coalesce(sum(change), 0) FROM ledger_entries WHERE user_id = ?", user))
                .as("the ledger sums to the balance").isEqualTo(expected);
    }

    private long ledgerEntries(long user) {
        return Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user);
    }

    private long debitEntries(String key) {
        return Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE idempotency_key = ?", "debit:" + key);
    }
}
