package io.leadline.payments.transaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.shared.event.Channels;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class RefundTests {

    @Inject
    TestDatabase dataSource;

    @Test
    void aFullRefundOfAnUnspentTopUpTakesAllItsCreditsBack() {
        long user = Users.next();
        long id = succeededTopUp(user, 50);

        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            refund(id, Map.of("reason", "customer asked"), null)
                    .statusCode(201)
                    .body("amount", equalTo(50.0f))
                    .body("credits_clawed_back", equalTo(50))
                    .body("credits_shortfall", equalTo(0))
                    .body("payment.status", equalTo("refunded"))
                    .body("payment.refunded_amount", equalTo(50.0f));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode refund = monitor.ofType("refund_processed").stream()
                        .filter(e -> e.path("data").path("transaction_id").asText().equals(String.valueOf(id)))
                        .findFirst().orElseThrow();
                assertThat(refund.path("data").path("customer_ref").asText()).isEqualTo(String.valueOf(user));
            });
        }
        assertThat(Payments.balance(user)).isZero();
        assertLedgerSumsToBalance(user);
    }

    @Test
    void creditsAlreadySpentAreNotTakenBelowZeroButRecordedAsShortfall() {
        long user = Users.next();
        long id = succeededTopUp(user, 100);
        JsonNode debit = TestNats.request(PaymentSubjects.DEBIT, "{\"user_id\":\"" + user
                + "\",\"amount\":80,\"idempotency_key\":\"spend-" + user + "\",\"reference\":\"lead-1\"}");
        assertThat(debit.path("new_balance").asLong()).isEqualTo(20);

        refund(id, Map.of(), null).statusCode(201)
                .body("credits_clawed_back", equalTo(20))
                .body("credits_shortfall", equalTo(80));

        assertThat(Payments.balance(user)).isZero();
        assertLedgerSumsToBalance(user);
    }

    @Test
    void partialRefundsAddUpAndNeverExceedWhatWasCaptured() {
        long user = Users.next();
        long id = succeededTopUp(user, 30);

        refund(id, Map.of("amount", 10), null).statusCode(201)
                .body("credits_clawed_back", equalTo(10))
                .body("payment.status", equalTo("succeeded"));
        refund(id, Map.of("amount", 25), null).statusCode(409).contentType("application/problem+json")
                .body("errors[0].field", equalTo("amount"));
        refund(id, Map.of("amount", 20), null).statusCode(201).body("payment.status", equalTo("refunded"));
        refund(id, Map.of("amount", 1), null).statusCode(409);

        assertThat(Payments.balance(user)).isZero();
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM refunds WHERE payment_id = ?", id)).isEqualTo(2);
    }

    @Test
    void partialRefundsTakeBackCreditsRoundedOnTheRunningTotal() {
        long user = Users.next();
        long id = succeededTopUp(user, 100); // 100 credits for 100.00

        refund(id, Map.of("amount", new BigDecimal("0.50")), null).statusCode(201)
                .body("credits_clawed_back", equalTo(1)).body("credits_shortfall", equalTo(0));
        // 1.00 refunded in all is 1 credit in all: this half takes none
        refund(id, Map.of("amount", new BigDecimal("0.50")), null).statusCode(201)
                .body("credits_clawed_back", equalTo(0)).body("credits_shortfall", equalTo(0));
        refund(id, Map.of("amount", new BigDecimal("99.00")), null).statusCode(201)
                .body("credits_clawed_back", equalTo(99)).body("credits_shortfall", equalTo(0))
                .body("payment.status", equalTo("refunded"));

        assertThat(Db.scalar(dataSource, "SELECT sum(credits_clawed_back) FROM refunds WHERE payment_id = ?", id))
                .isEqualTo(100);
        assertThat(Db.scalar(dataSource, "SELECT sum(credits_shortfall) FROM refunds WHERE payment_id = ?", id)).isZero();
        assertThat(Payments.balance(user)).isZero();
        assertLedgerSumsToBalance(user);
    }

    @Test
    void smallPartialRefundsLeaveNoCreditsBehind() {
        long user = Users.next();
        long id = succeededTopUp(user, 100);

        for (int i = 0; i < 3; i++) {
            refund(id, Map.of("amount", new BigDecimal("0.49")), null).statusCode(201);
        }
        // 1.47 refunded: 1 credit taken back, not 0
        assertThat(Db.scalar(dataSource, "SELECT sum(credits_clawed_back) FROM refunds WHERE payment_id = ?", id))
                .isEqualTo(1);
        assertThat(Payments.balance(user)).isEqualTo(99);

        refund(id, Map.of(), null).statusCode(201).body("amount", equalTo(98.53f))
                .body("credits_clawed_back", equalTo(99)).body("payment.status", equalTo("refunded"));
        assertThat(Db.scalar(dataSource, "SELECT sum(credits_clawed_back) FROM refunds WHERE payment_id = ?", id))
                .isEqualTo(100);
        assertThat(Payments.balance(user)).isZero();
        assertLedgerSumsToBalance(user);
    }

    @Test
    void aRefundRepeatedWithItsIdempotencyKeyIsProcessedOnce() {
        long user = Users.next();
        long id = succeededTopUp(user, 30);
        refund(id, Map.of("amount", 5), "r-" + user).statusCode(201).body("replayed", equalTo(false));
        refund(id, Map.of("amount", 5), "r-" + user).statusCode(200).body("replayed", equalTo(true));
        assertThat(Payments.balance(user)).isEqualTo(25);
    }

    @Test
    void aKeyRepeatedWithAnotherAmountReasonOrPaymentIs422AndChangesNothing() {
        long user = Users.next();
        long id = succeededTopUp(user, 30);
        long other = succeededTopUp(Users.next(), 10);
        String key = "bound-" + user;
        refund(id, Map.of("amount", 5, "reason", "damaged"), key).statusCode(201);

        refund(id, Map.of("amount", 6, "reason", "damaged"), key).statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("Idempotency-Key"));
        refund(id, Map.of("amount", 5, "reason", "changed my mind"), key).statusCode(422);
        refund(id, Map.of("reason", "damaged"), key).statusCode(422);
        refund(other, Map.of("amount", 5, "reason", "damaged"), key).statusCode(422);
        // the same request, 5 written as 5.00, is the same refund
        refund(id, Map.of("amount", new BigDecimal("5.00"), "reason", "damaged"), key).statusCode(200)
                .body("replayed", equalTo(true)).body("amount", equalTo(5.0f));

        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM refunds WHERE payment_id IN (?, ?)", id, other))
                .isEqualTo(1);
        assertThat(Payments.balance(user)).isEqualTo(25);
        assertLedgerSumsToBalance(user);
    }

    @Test
    void concurrentRequestsWithTheSameKeyAndBodyAllGetTheOneRefund() throws Exception {
        long user = Users.next();
        long id = succeededTopUp(user, 40);
        String key = "race-" + user;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<io.restassured.response.Response>> answers = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().header("Authorization", Users.admin()).header("Idempotency-Key", key)
                            .contentType(ContentType.JSON).body(Map.of("amount", 10, "reason", "race"))
                            .when().post("/api/payments/{id}/refund", id).andReturn();
                }));
            }
            start.countDown();
            List<io.restassured.response.Response> responses = new ArrayList<>();
            for (Future<io.restassured.response.Response> answer : answers) {
                responses.add(answer.get(60, TimeUnit.SECONDS));
            }
            List<Integer> statuses = responses.stream().map(io.restassured.response.Response::statusCode).toList();
            assertThat(statuses).containsOnlyOnce(201).filteredOn(s -> s != 201).containsOnly(200);
            Set<Long> refundIds = new HashSet<>();
            responses.forEach(response -> refundIds.add(response.jsonPath().getLong("id")));
            assertThat(refundIds).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM refunds WHERE payment_id = ?", id)).isEqualTo(1);
        assertThat(Payments.balance(user)).isEqualTo(30);
        assertLedgerSumsToBalance(user);
    }

    @Test
    void refundsAreRefusedForPendingUnknownOrBadRequestsAndForNonAdmins() {
        long user = Users.next();
        long pending = Payments.topUp(user, 10, "stripe").getLong("id");
        refund(pending, Map.of(), null).statusCode(409).contentType("application/problem+json");
        refund(999_999_999L, Map.of(), null).statusCode(404).contentType("application/problem+json");
        refund(pending, Map.of("amount", -1), null).statusCode(400).body("errors[0].field", equalTo("amount"));
        refund(pending, Map.of("amount", 1.005), null).statusCode(400).body("errors[0].field", equalTo("amount"));
        given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/payments/{id}/refund", pending)
                .then().statusCode(403);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM refunds WHERE payment_id = ?", pending)).isZero();
    }

    @Test
    void aStripeChargeRefundedWebhookRefundsOnlyWhatIsNotRecordedYet() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 40, "stripe");
        String intent = topUp.getString("provider_reference");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded", intent, 4000))
                .statusCode(200);
        refund(topUp.getLong("id"), Map.of("amount", 10), null).statusCode(201);

        // Stripe reports the cumulative refund: the 10 recorded here plus 15 more done in Stripe's dashboard
        Webhooks.stripe(Webhooks.stripeChargeRefunded(Webhooks.eventId("evt_"), intent, 2500))
                .statusCode(200).body("status", equalTo("processed"));
        Webhooks.stripe(Webhooks.stripeChargeRefunded(Webhooks.eventId("evt_"), intent, 2500))
                .statusCode(200).body("status", equalTo("processed"));

        JsonPath payment = Payments.payment(user, topUp.getLong("id"));
        assertThat(payment.getDouble("refunded_amount")).isEqualTo(25.0);
        assertThat(Payments.balance(user)).isEqualTo(15);
        assertLedgerSumsToBalance(user);
    }

    @Test
    void aRazorpayRefundProcessedWebhookRefundsThatRefundOnce() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 20, "razorpay");
        String paymentId = topUp.getString("provider_reference");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.captured", paymentId, 2000, "USD"), Webhooks.eventId("evt_"))
                .statusCode(200);
        String refundEvent = Webhooks.razorpayRefund("rfnd_" + user, paymentId, 2000, "USD");

        Webhooks.razorpay(refundEvent, Webhooks.eventId("evt_")).statusCode(200).body("status", equalTo("processed"));
        Webhooks.razorpay(refundEvent, Webhooks.eventId("evt_")).statusCode(200);

        assertThat(Payments.payment(user, topUp.getLong("id")).getString("status")).isEqualTo("refunded");
        assertThat(Payments.balance(user)).isZero();
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM refunds WHERE payment_id = ?", topUp.getLong("id")))
                .isEqualTo(1);
    }

    private long succeededTopUp(long user, long credits) {
        JsonPath topUp = Payments.topUp(user, credits, "stripe");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                topUp.getString("provider_reference"), credits * 100)).statusCode(200);
        assertThat(Payments.balance(user)).isEqualTo(credits);
        return topUp.getLong("id");
    }

    private static io.restassured.response.ValidatableResponse refund(long id, Map<String, ?> body, String key) {
        var request = given().header("Authorization", Users.admin()).contentType(ContentType.JSON).body(body);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.when().post("/api/payments/{id}/refund", id).then();
    }

    private void assertLedgerSumsToBalance(long user) {
        assertThat(Db.scalar(dataSource, "SELECT coalesce(sum(change), 0) FROM ledger_entries WHERE user_id = ?", user))
                .isEqualTo(Db.scalar(dataSource, "SELECT balance FROM wallets WHERE user_id = ?", user));
    }
}
