package io.leadline.payments.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.event.Channels;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class WalletDebitTests {

    @Inject
    TestDatabase dataSource;

    @Test
    void twoHundredConcurrentDebitsAgainstFiftyCreditsChargeExactlyFiftyAndReplaysChangeNothing() throws Exception {
        long user = Users.next();
        grant(user, 50);

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add("claim-" + user + "-" + i);
        }
        List<JsonNode> first = debitAll(user, keys);

        assertThat(first).filteredOn(r -> r.path("ok").asBoolean()).hasSize(50);
        assertThat(first).filteredOn(r -> !r.path("ok").asBoolean())
                .hasSize(150)
                .allSatisfy(r -> assertThat(r.path("reason").asText()).isEqualTo("insufficient_funds"));
        assertThat(first).filteredOn(r -> r.path("ok").asBoolean())
                .extracting(r -> r.path("new_balance").asLong())
                .containsExactlyInAnyOrderElementsOf(range(0, 50));
        assertBalance(user, 0);
        long entries = ledgerEntries(user);

        List<JsonNode> replayed = debitAll(user, keys);

        assertThat(replayed).containsExactlyElementsOf(first);
        assertBalance(user, 0);
        assertThat(ledgerEntries(user)).isEqualTo(entries);
    }

    @Test
    void theSameKeySentConcurrentlyChargesOnceAndEveryoneGetsTheSameAnswer() throws Exception {
        long user = Users.next();
        grant(user, 100);
        List<String> sameKey = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sameKey.add("retry-storm-" + user);
        }

        List<JsonNode> replies = debitAll(user, sameKey);

        assertThat(replies).allSatisfy(r -> {
            assertThat(r.path("ok").asBoolean()).isTrue();
            assertThat(r.path("new_balance").asLong()).isEqualTo(99);
        });
        assertBalance(user, 99);
        assertThat(ledgerEntries(user)).isEqualTo(2);
    }

    @Test
    void aDebitCommitsItsLedgerEntryAndBalanceUpdatedTogether() {
        long user = Users.next();
        try (TestNats.ChannelWatch watch = TestNats.watch(Channels.user(user))) {
            grant(user, 30);
            JsonNode reply = TestNats.request(PaymentSubjects.DEBIT,
                    debit(String.valueOf(user), 12, "buy-" + user, "lead-77"));

            assertThat(reply.path("ok").asBoolean()).isTrue();
            assertThat(reply.path("new_balance").asLong()).isEqualTo(18);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(watch.ofType("balance_updated")).hasSize(2));
            JsonNode debit = watch.ofType("balance_updated").get(1);
            assertThat(debit.path("channel").asText()).isEqualTo("user." + user);
            assertThat(debit.path("data").path("new_balance").asLong()).isEqualTo(18);
            assertThat(debit.path("data").path("previous_balance").asLong()).isEqualTo(30);
            assertThat(debit.path("data").path("change").asLong()).isEqualTo(-12);
            assertThat(debit.path("data").path("reason").asText()).isEqualTo("lead_purchase");
            assertThat(debit.path("data").path("reference").asText()).isEqualTo("lead-77");
        }
        given().header("Authorization", Users.bearer(user, "provider"))
                .when().get("/api/wallet")
                .then().statusCode(200)
                .body("balance", equalTo(18))
                .body("entries.size()", equalTo(2))
                .body("entries[0].change", equalTo(-12))
                .body("entries[0].kind", equalTo("debit"))
                .body("entries[0].reference", equalTo("lead-77"));
    }

    @Test
    void aRefusedDebitIsAFinalAnswerForItsKeyEvenAfterATopUp() {
        long user = Users.next();
        grant(user, 5);
        String request = debit(String.valueOf(user), 8, "too-much-" + user, "lead-1");

        assertThat(TestNats.request(PaymentSubjects.DEBIT, request).path("reason").asText())
                .isEqualTo("insufficient_funds");
        grant(user, 100);

        JsonNode replay = TestNats.request(PaymentSubjects.DEBIT, request);
        assertThat(replay.path("ok").asBoolean()).isFalse();
        assertThat(replay.path("reason").asText()).isEqualTo("insufficient_funds");
        assertBalance(user, 105);
        JsonNode fresh = TestNats.request(PaymentSubjects.DEBIT,
                debit(String.valueOf(user), 8, "too-much-" + user + "-again", "lead-1"));
        assertThat(fresh.path("new_balance").asLong()).isEqualTo(97);
    }

    @Test
    void theSameKeyForAnotherRequestIsRefusedAsReused() {
        long user = Users.next();
        grant(user, 20);
        TestNats.request(PaymentSubjects.DEBIT, debit(String.valueOf(user), 5, "k-" + user, "lead-1"));

        JsonNode other = TestNats.request(PaymentSubjects.DEBIT, debit(String.valueOf(user), 6, "k-" + user, "lead-1"));

        assertThat(other.path("ok").asBoolean()).isFalse();
        assertThat(other.path("reason").asText()).isEqualTo("key_reused");
        assertBalance(user, 15);
    }

    @Test
    void malformedOrInvalidRequestsAreAnsweredInvalidAndChangeNothing() {
        long user = Users.next();
        grant(user, 20);
        List<String> bad = List.of(
                "not json",
                "",
                "[]",
                "{}",
                debit(String.valueOf(user), 0, "zero-" + user, "r"),
                debit(String.valueOf(user), -3, "neg-" + user, "r"),
                "{\"user_id\":\"" + user + "\",\"amount\":1.5,\"idempotency_key\":\"frac-" + user + "\"}",
                "{\"user_id\":\"" + user + "\",\"amount\":99999999999999999999,\"idempotency_key\":\"big-" + user + "\"}",
                "{\"user_id\":\"" + user + "\",\"amount\":\"5\",\"idempotency_key\":\"str-" + user + "\"}",
                debit(String.valueOf(user), 2_000_000_000L, "huge-" + user, "r"),
                debit("abc", 1, "user-" + user, "r"),
                debit(String.valueOf(user), 1, "", "r"));

        for (String request : bad) {
            JsonNode reply = TestNats.request(PaymentSubjects.DEBIT, request);
            assertThat(reply.path("ok").asBoolean()).as(request).isFalse();
            assertThat(reply.path("reason").asText()).as(request).isEqualTo("invalid_request");
        }
        assertBalance(user, 20);
        assertThat(ledgerEntries(user)).isEqualTo(1);
    }

    @Test
    void aCompensatingCreditIsBookedOnceAndItsKeyIsSeparateFromTheDebits() {
        long user = Users.next();
        grant(user, 10);
        TestNats.request(PaymentSubjects.DEBIT, debit(String.valueOf(user), 10, "claim-x-" + user, "lead-9"));
        String credit = "{\"user_id\":\"" + user + "\",\"amount\":10,\"idempotency_key\":\"claim-x-" + user
                + "\",\"reference\":\"lead-9\",\"reason\":\"claim_failed\"}";

        JsonNode first = TestNats.request(PaymentSubjects.CREDIT, credit);
        JsonNode second = TestNats.request(PaymentSubjects.CREDIT, credit);

        assertThat(first.path("ok").asBoolean()).isTrue();
        assertThat(first.path("new_balance").asLong()).isEqualTo(10);
        assertThat(second).isEqualTo(first);
        assertBalance(user, 10);
        assertThat(ledgerEntries(user)).isEqualTo(3);
    }

    @Test
    void aDebitOfAnUnknownWalletIsInsufficientFunds() {
        long user = Users.next();
        JsonNode reply = TestNats.request(PaymentSubjects.DEBIT, debit(String.valueOf(user), 1, "nobody-" + user, "r"));
        assertThat(reply.path("reason").asText()).isEqualTo("insufficient_funds");
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM wallets WHERE user_id = ?", user)).isZero();
    }

    private List<JsonNode> debitAll(long user, List<String> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Callable<JsonNode>> calls = new ArrayList<>();
            for (String key : keys) {
                calls.add(() -> TestNats.request(PaymentSubjects.DEBIT, debit(String.valueOf(user), 1, key, "lead-x")));
            }
            List<JsonNode> replies = new ArrayList<>();
            for (Future<JsonNode> future : pool.invokeAll(calls)) {
                replies.add(future.get());
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertBalance(long user, long expected) {
        given().header("Authorization", Users.bearer(user, "provider"))
                .when().get("/api/wallet")
                .then().statusCode(200).body("balance", equalTo((int) expected));
        assertThat(Db.scalar(dataSource, "SELECT coalesce(sum(change), 0) FROM ledger_entries WHERE user_id = ?", user))
                .as("the ledger sums to the balance").isEqualTo(expected);
    }

    private long ledgerEntries(long user) {
        return Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user);
    }

    static void grant(long user, long amount) {
        given().header("Authorization", Users.admin()).contentType(ContentType.JSON)
                .body(Map.of("amount", amount, "reason", "test credit"))
                .when().post("/api/wallet/{id}/grants", user)
                .then().statusCode(201);
    }

    static String debit(String user, long amount, String key, String reference) {
        return "{\"user_id\":\"" + user + "\",\"amount\":" + amount + ",\"idempotency_key\":\"" + key
                + "\",\"reference\":\"" + reference + "\"}";
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v < to; v++) {
            values.add(v);
        }
        return values;
    }
}
