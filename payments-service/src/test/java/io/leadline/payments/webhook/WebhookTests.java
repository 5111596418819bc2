package io.leadline.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.payments.webhook.service.WebhookSignatures;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class WebhookTests {

    @Inject
    TestDatabase dataSource;

    @Test
    void aSucceededStripeTopUpCreditsTheWalletOnceHoweverOftenTheWebhookComes() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 40, "stripe");
        String intent = topUp.getString("provider_reference");
        String eventId = Webhooks.eventId("evt_");
        String body = Webhooks.stripeIntent(eventId, "payment_intent.succeeded", intent, 4000);

        try (TestNats.ChannelWatch wallet = TestNats.watch(Channels.user(user));
                TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            Webhooks.stripe(body).statusCode(200).body("status", equalTo("processed"));
            Webhooks.stripe(body).statusCode(200).body("status", equalTo("duplicate"));

            assertThat(Payments.balance(user)).isEqualTo(40);
            assertThat(Payments.payment(user, topUp.getLong("id")).getString("status")).isEqualTo("succeeded");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(wallet.ofType("balance_updated")).hasSize(1);
                assertThat(webhookEvents(monitor, eventId, "webhook_received")).hasSize(1);
                assertThat(webhookEvents(monitor, eventId, "webhook_processed")).hasSize(1);
                assertThat(monitor.ofType("transaction_updated")).anySatisfy(e -> {
                    assertThat(e.path("data").path("id").asText()).isEqualTo(topUp.getString("id"));
                    assertThat(e.path("data").path("status").asText()).isEqualTo("succeeded");
                });
            });
            JsonNode credit = wallet.ofType("balance_updated").get(0).path("data");
            assertThat(credit.path("change").asLong()).isEqualTo(40);
            assertThat(credit.path("reason").asText()).isEqualTo("top_up");
            assertThat(credit.path("reference").asText()).isEqualTo(intent);
        }
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ?", eventId)).isEqualTo(1);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void theSameEventDeliveredConcurrentlyIsAppliedOnce() throws Exception {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 12, "stripe");
        String body = Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                topUp.getString("provider_reference"), 1200);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(pool.submit(() -> Webhooks.stripe(body).statusCode(200).extract().path("status")));
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> status : statuses) {
                answers.add(status.get());
            }
            assertThat(answers).containsOnlyOnce("processed").filteredOn(a -> !a.equals("processed"))
                    .containsOnly("duplicate");
        } finally {
            pool.shutdownNow();
        }
        assertThat(Payments.balance(user)).isEqualTo(12);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void aBadSignatureIsRefusedWithoutBeingStoredOrAnnouncedAndCannotBlockTheGenuineEvent() {
        long user = Users.next();
        String intent = Payments.topUp(user, 15, "stripe").getString("provider_reference");
        String eventId = Webhooks.eventId("evt_");
        String body = Webhooks.stripeIntent(eventId, "payment_intent.succeeded", intent, 1500);
        long now = Instant.now().getEpochSecond();

        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            Webhooks.stripe(body, WebhookSignatures.stripeHeader("whsec_wrong", now, body.getBytes(StandardCharsets.UTF_8)))
                    .statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("does not match"));
            Webhooks.stripe(body, "t=" + now + ",v1=zz-not-hex").statusCode(400);
            Webhooks.stripe(body, "garbage").statusCode(400).body("detail", containsString("malformed"));
            Webhooks.stripe(body, WebhookSignatures.stripeHeader(Webhooks.stripeSecret(), now - 301,
                    body.getBytes(StandardCharsets.UTF_8))).statusCode(400).body("detail", containsString("tolerance"));
            Webhooks.stripe(body.replace("1500", "1501"), WebhookSignatures.stripeHeader(Webhooks.stripeSecret(), now,
                    body.getBytes(StandardCharsets.UTF_8))).statusCode(400);

            assertThat(Payments.balance(user)).isZero();
            // nothing of an unverified request is kept: its body is not evidence of anything
            assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ?", eventId)).isZero();

            Webhooks.stripe(body).statusCode(200).body("status", equalTo("processed"));
            assertThat(Payments.balance(user)).isEqualTo(15);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(webhookEvents(monitor, eventId, "webhook_processed")).hasSize(1));
            // the five refusals were never announced under the event's id
            assertThat(webhookEvents(monitor, eventId, "webhook_failed")).isEmpty();
            assertThat(webhookEvents(monitor, eventId, "webhook_received")).hasSize(1);
        }
    }

    @Test
    void aFailedStripePaymentIsRecordedAndCreditsNothing() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 9, "stripe");
        String body = Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.payment_failed",
                topUp.getString("provider_reference"), 900);

        Webhooks.stripe(body).statusCode(200).body("status", equalTo("processed"));

        JsonPath payment = Payments.payment(user, topUp.getLong("id"));
        assertThat(payment.getString("status")).isEqualTo("failed");
        assertThat(payment.getString("failure_reason")).isEqualTo("card declined");
        assertThat(Payments.balance(user)).isZero();
    }

    @Test
    void razorpayCapturedCreditsTheWalletAndVerifiesItsSignature() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 30, "razorpay", "INR");
        String paymentId = topUp.getString("provider_reference");
        String body = Webhooks.razorpayPayment("payment.captured", paymentId, topUp.getLong("amount_minor"), "INR");
        String eventId = Webhooks.eventId("evt_rzp_");

        Webhooks.razorpay(body, eventId, "deadbeef").statusCode(400).contentType("application/problem+json");
        Webhooks.razorpay(body, eventId, WebhookSignatures.razorpayHeader("other-secret",
                body.getBytes(StandardCharsets.UTF_8))).statusCode(400);
        assertThat(Payments.balance(user)).isZero();

        Webhooks.razorpay(body, eventId).statusCode(200).body("status", equalTo("processed"));
        Webhooks.razorpay(body, eventId).statusCode(200).body("status", equalTo("duplicate"));

        assertThat(Payments.balance(user)).isEqualTo(30);
        assertThat(Payments.payment(user, topUp.getLong("id")).getString("status")).isEqualTo("succeeded");
    }

    @Test
    void razorpayEventsAreDeduplicatedByTheirSignedPayloadNotTheUnsignedEventIdHeader() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 12, "razorpay", "INR");
        String paymentId = topUp.getString("provider_reference");
        String body = Webhooks.razorpayPayment("payment.captured", paymentId, topUp.getLong("amount_minor"), "INR");

        Webhooks.razorpay(body, Webhooks.eventId("evt_rzp_")).statusCode(200).body("status", equalTo("processed"));
        // the same signed body replayed under a fresh X-Razorpay-Event-Id (not covered by the signature)
        Webhooks.razorpay(body, Webhooks.eventId("evt_rzp_")).statusCode(200).body("status", equalTo("duplicate"));
        Webhooks.razorpay(body, "").statusCode(200).body("status", equalTo("duplicate"));

        assertThat(Payments.balance(user)).isEqualTo(12);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE provider = 'razorpay' "
                + "AND event_id = ?", "payment.captured:" + paymentId)).isEqualTo(1);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void anUnsignedRazorpayRequestIsNotStored() {
        String bodyId = Webhooks.eventId("evt_body_");
        long before = Db.scalar(dataSource, "SELECT count(*) FROM webhook_events");
        Webhooks.razorpay("{\"id\":\"" + bodyId + "\",\"event\":\"payment.captured\"}", bodyId, "deadbeef")
                .statusCode(400).contentType("application/problem+json");
        Webhooks.razorpay("{\"event\":\"payment.captured\"}", bodyId, "").statusCode(400)
                .body("detail", containsString("missing"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events")).isEqualTo(before);
    }

    @Test
    void razorpayFailedMarksThePaymentFailed() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 30, "razorpay");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.failed", topUp.getString("provider_reference"), 3000, "USD"),
                Webhooks.eventId("evt_rzp_")).statusCode(200);
        assertThat(Payments.payment(user, topUp.getLong("id")).getString("status")).isEqualTo("failed");
    }

    @Test
    void anEventForAnUnknownPaymentOrTheWrongAmountIsAcknowledgedButRecordedAsFailed() {
        // the wrong amount also fails the payment: what was charged is not what was asked
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 20, "stripe");
        String unknownId = Webhooks.eventId("evt_");
        String wrongAmountId = Webhooks.eventId("evt_");

        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            Webhooks.stripe(Webhooks.stripeIntent(unknownId, "payment_intent.succeeded", "pi_unknown", 100))
                    .statusCode(200).body("status", equalTo("failed")).body("error", containsString("unknown payment"));
            Webhooks.stripe(Webhooks.stripeIntent(wrongAmountId, "payment_intent.succeeded",
                    topUp.getString("provider_reference"), 1)).statusCode(200).body("status", equalTo("failed"))
                    .body("error", containsString("amount mismatch"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(webhookEvents(monitor, unknownId, "webhook_failed")).hasSize(1);
                assertThat(webhookEvents(monitor, wrongAmountId, "webhook_failed")).hasSize(1);
            });
        }
        JsonPath payment = Payments.payment(user, topUp.getLong("id"));
        assertThat(payment.getString("status")).isEqualTo("failed");
        assertThat(payment.getString("failure_reason")).contains("amount mismatch");
        assertThat(Payments.balance(user)).isZero();
    }

    @Test
    void otherEventTypesAreRecordedAsIgnoredAndMalformedBodiesRefused() {
        String eventId = Webhooks.eventId("evt_");
        Webhooks.stripe("{\"id\":\"" + eventId + "\",\"type\":\"customer.created\",\"data\":{\"object\":{}}}")
                .statusCode(200).body("status", equalTo("ignored"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ? AND status = 'ignored'",
                eventId)).isEqualTo(1);

        // signed but unreadable: refused, and recorded as rejected since the provider did send it
        Webhooks.stripe("{not json").statusCode(400).contentType("application/problem+json");
        Webhooks.stripe("{\"type\":\"payment_intent.succeeded\"}").statusCode(400);
        Webhooks.razorpay("{\"event\":\"payment.captured\"}", "").statusCode(400);
        String noPayment = Webhooks.eventId("evt_");
        Webhooks.stripe("{\"id\":\"" + noPayment + "\",\"type\":\"payment_intent.succeeded\"}").statusCode(400)
                .body("detail", containsString("data.object.id"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ? AND status = 'rejected' "
                + "AND signature_valid", noPayment)).isEqualTo(1);
    }

    private static java.util.List<JsonNode> webhookEvents(TestNats.ChannelWatch monitor, String eventId, String type) {
        return monitor.ofType(type).stream().filter(e -> eventId.equals(e.path("data").path("event_id").asText())).toList();
    }
}
