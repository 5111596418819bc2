package io.leadline.payments.money;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Credits have a price per currency (tests: 1.00 USD and 85.00 INR a credit), a payment keeps its
 * amount in minor units with its currency, and a provider event settles it only when it reports
 * exactly that amount in that currency.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class MoneyPerCurrencyTests {

    @Inject
    TestDatabase dataSource;

    @Test
    void creditsCostTheirPriceInTheCurrencyTheyAreBoughtWith() {
        long user = Users.next();
        JsonPath usd = Payments.topUp(user, 100, "stripe", "USD");
        JsonPath inr = Payments.topUp(user, 100, "razorpay", "INR");

        assertThat(usd.getString("currency")).isEqualTo("USD");
        assertThat(usd.getLong("amount_minor")).isEqualTo(10_000);
        assertThat(new BigDecimal(usd.getString("amount"))).isEqualByComparingTo("100.00");
        // 100 credits are 8,500.00 INR, not 100 INR (about 1.20 USD)
        assertThat(inr.getString("currency")).isEqualTo("INR");
        assertThat(inr.getLong("amount_minor")).isEqualTo(850_000);
        assertThat(new BigDecimal(inr.getString("amount"))).isEqualByComparingTo("8500.00");
        assertThat(Db.scalar(dataSource, "SELECT amount_minor FROM payments WHERE id = ?", inr.getLong("id")))
                .isEqualTo(850_000);
    }

    @Test
    void aTopUpInACurrencyWithoutAPriceOrWithoutACurrencyIsRefusedNamingTheCurrency() {
        long user = Users.next();
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("amount", 100, "provider", "stripe", "currency", "EUR"),
                Map.of("amount", 100, "provider", "stripe", "currency", "usd"),
                Map.of("amount", 100, "provider", "stripe", "currency", "XXX"),
                Map.of("amount", 100, "provider", "stripe"))) {
            given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON).body(body)
                    .when().post("/api/wallet/top-ups")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.size()", equalTo(1))
                    .body("errors[0].field", equalTo("currency"));
        }
        given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON)
                .body(Map.of("amount", 100, "provider", "stripe", "currency", "EUR"))
                .when().post("/api/wallet/top-ups")
                .then().body("detail", containsString("USD"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM payments WHERE customer_id = ?", user)).isZero();
    }

    @Test
    void aUsdPaymentReportedInAnotherCurrencyIsFailedNotCredited() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 100, "stripe", "USD");
        String eventId = Webhooks.eventId("evt_");
        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            // the right number, in rupees
            Webhooks.stripe(Webhooks.stripeIntent(eventId, "payment_intent.succeeded",
                    topUp.getString("provider_reference"), 10_000, "inr"))
                    .statusCode(200).body("status", equalTo("failed"))
                    .body("error", containsString("currency mismatch"));

            JsonPath payment = Payments.payment(user, topUp.getLong("id"));
            assertThat(payment.getString("status")).isEqualTo("failed");
            assertThat(payment.getString("failure_reason")).contains("INR").contains("USD");
            assertThat(Payments.balance(user)).isZero();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(ofEvent(monitor, "webhook_failed", eventId)).singleElement()
                        .satisfies(e -> assertThat(e.path("data").path("error").asText()).contains("currency mismatch"));
                assertThat(monitor.ofType("transaction_updated")).anySatisfy(e -> {
                    assertThat(e.path("data").path("id").asText()).isEqualTo(topUp.getString("id"));
                    assertThat(e.path("data").path("status").asText()).isEqualTo("failed");
                });
            });
        }
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ? AND status = 'failed'",
                eventId)).isEqualTo(1);
    }

    @Test
    void anInrPaymentReportedWithAnotherAmountOrInDollarsIsFailedNotCredited() {
        long user = Users.next();
        JsonPath fewRupees = Payments.topUp(user, 100, "razorpay", "INR");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.captured", fewRupees.getString("provider_reference"),
                10_000, "INR"), Webhooks.eventId("evt_rzp_"))
                .statusCode(200).body("status", equalTo("failed")).body("error", containsString("amount mismatch"));
        JsonPath dollars = Payments.topUp(user, 100, "razorpay", "INR");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.captured", dollars.getString("provider_reference"),
                850_000, "USD"), Webhooks.eventId("evt_rzp_"))
                .statusCode(200).body("status", equalTo("failed")).body("error", containsString("currency mismatch"));

        assertThat(Payments.payment(user, fewRupees.getLong("id")).getString("status")).isEqualTo("failed");
        assertThat(Payments.payment(user, dollars.getLong("id")).getString("status")).isEqualTo("failed");
        assertThat(Payments.balance(user)).isZero();

        // the exact amount in the right currency settles an INR top-up
        JsonPath exact = Payments.topUp(user, 100, "razorpay", "INR");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.captured", exact.getString("provider_reference"),
                850_000, "INR"), Webhooks.eventId("evt_rzp_")).statusCode(200).body("status", equalTo("processed"));
        assertThat(Payments.balance(user)).isEqualTo(100);
    }

    @Test
    void anEventWithoutAmountOrCurrencyIsRefusedRecordedAndSettlesNothing() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 20, "stripe", "USD");
        String intent = topUp.getString("provider_reference");
        String noAmount = Webhooks.eventId("evt_");
        String noCurrency = Webhooks.eventId("evt_");
        String stringAmount = Webhooks.eventId("evt_");
        Webhooks.stripe("{\"id\":\"" + noAmount + "\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":"
                + "{\"id\":\"" + intent + "\",\"currency\":\"usd\"}}}")
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("data.object.amount"));
        Webhooks.stripe("{\"id\":\"" + noCurrency + "\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":"
                + "{\"id\":\"" + intent + "\",\"amount\":2000}}}")
                .statusCode(400).body("detail", containsString("data.object.currency"));
        Webhooks.stripe("{\"id\":\"" + stringAmount + "\",\"type\":\"payment_intent.succeeded\",\"data\":{\"object\":"
                + "{\"id\":\"" + intent + "\",\"amount\":\"2000\",\"currency\":\"usd\"}}}")
                .statusCode(400).body("detail", containsString("data.object.amount"));
        JsonPath rupees = Payments.topUp(user, 2, "razorpay", "INR");
        String razorpayNoCurrency = "{\"entity\":\"event\",\"event\":\"payment.captured\",\"payload\":{\"payment\":"
                + "{\"entity\":{\"id\":\"" + rupees.getString("provider_reference") + "\",\"amount\":17000}}}}";
        Webhooks.razorpay(razorpayNoCurrency, Webhooks.eventId("evt_rzp_")).statusCode(400)
                .body("detail", containsString("payload.payment.entity.currency"));

        for (String eventId : List.of(noAmount, noCurrency, stringAmount)) {
            assertThat(Db.scalar(dataSource, "SELECT count(*) FROM webhook_events WHERE event_id = ? "
                    + "AND status IN ('failed', 'rejected')", eventId)).as("record of %s", eventId).isEqualTo(1);
        }
        assertThat(Payments.payment(user, topUp.getLong("id")).getString("status")).isEqualTo("pending");
        assertThat(Payments.payment(user, rupees.getLong("id")).getString("status")).isEqualTo("pending");
        assertThat(Payments.balance(user)).isZero();
    }

    @Test
    void revenueIsReportedPerCurrencyAndNeverSummedAcrossCurrencies() {
        JsonPath before = metrics();
        long user = Users.next();
        JsonPath usd = Payments.topUp(user, 10, "stripe", "USD");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                usd.getString("provider_reference"), usd.getLong("amount_minor"))).statusCode(200);
        JsonPath inr = Payments.topUp(user, 10, "razorpay", "INR");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.captured", inr.getString("provider_reference"),
                inr.getLong("amount_minor"), "INR"), Webhooks.eventId("evt_rzp_")).statusCode(200);

        JsonPath after = metrics();
        assertThat(after.getString("revenue_currency")).isEqualTo("USD");
        assertThat(revenue(after, "USD").subtract(revenue(before, "USD"))).isEqualByComparingTo("10.00");
        assertThat(revenue(after, "INR").subtract(revenue(before, "INR"))).isEqualByComparingTo("850.00");
        // revenue_total is the USD revenue alone: 850 rupees are not 850 dollars
        assertThat(new BigDecimal(after.getString("revenue_total"))).isEqualByComparingTo(revenue(after, "USD"));
    }

    private static JsonPath metrics() {
        String json = given().header("Authorization", Users.admin()).queryParam("window", "1h")
                .when().get("/api/payments/metrics").then().statusCode(200).extract().asString();
        return new JsonPath(json).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL));
    }

    private static BigDecimal revenue(JsonPath metrics, String currency) {
        String value = metrics.getString("revenue_by_currency." + currency);
        return value == null ? BigDecimal.ZERO : new BigDecimal(value);
    }

    private static List<JsonNode> ofEvent(TestNats.ChannelWatch monitor, String type, String eventId) {
        return monitor.ofType(type).stream().filter(e -> eventId.equals(e.path("data").path("event_id").asText()))
                .toList();
    }
}
