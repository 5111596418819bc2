package io.leadline.payments.fraud;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Rules at their default settings: more than 5 payments in 10 minutes, 1000 or more, 3 failures in an hour. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class FraudRuleTests {

    @Test
    void velocityAlertsOnceWhenACustomerPaysTooOftenWithinTheWindow() {
        long user = Users.next();
        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            for (int i = 0; i < 5; i++) {
                Payments.topUp(user, 10, "stripe");
            }
            alerts(user, "velocity").body("", hasSize(0));

            Payments.topUp(user, 10, "stripe");
            Payments.topUp(user, 10, "razorpay");

            alerts(user, "velocity").body("", hasSize(1))
                    .body("[0].severity", equalTo("medium"))
                    .body("[0].details.payments", equalTo(6))
                    .body("[0].summary", equalTo("6 payments within 10 minutes, more than the 5 allowed"))
                    .body("[0].customer_ref", equalTo(String.valueOf(user)));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(fraudEvents(monitor, user, "velocity")).hasSize(1));
            JsonNode alert = fraudEvents(monitor, user, "velocity").get(0).path("data");
            assertThat(alert.path("transaction_id").asText()).isNotBlank();
            assertThat(alert.path("details").path("max_payments").asInt()).isEqualTo(5);
            assertThat(alert.path("summary").asText()).isEqualTo("6 payments within 10 minutes, more than the 5 allowed");
        }
    }

    @Test
    void aLargePaymentRaisesAnAmountThresholdAlert() {
        long user = Users.next();
        Payments.topUp(user, 999, "stripe");
        alerts(user, "amount_threshold").body("", hasSize(0));

        Payments.topUp(user, 5000, "stripe");
        Payments.topUp(user, 7000, "stripe");

        alerts(user, "amount_threshold").body("", hasSize(1))
                .body("[0].severity", equalTo("high"))
                .body("[0].details.amount", equalTo(5000.0f))
                .body("[0].summary", equalTo("a payment of 5000 USD, at or above the alert threshold of 1000"));
    }

    @Test
    void repeatedFailuresAlertOnceAndSucceededPaymentsDoNotCount() {
        long user = Users.next();
        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            succeed(Payments.topUp(user, 10, "stripe").getString("provider_reference"));
            fail(Payments.topUp(user, 10, "stripe").getString("provider_reference"));
            fail(Payments.topUp(user, 10, "stripe").getString("provider_reference"));
            alerts(user, "repeated_failures").body("", hasSize(0));

            fail(Payments.topUp(user, 10, "stripe").getString("provider_reference"));
            fail(Payments.topUp(user, 10, "stripe").getString("provider_reference"));

            alerts(user, "repeated_failures").body("", hasSize(1)).body("[0].details.failures", equalTo(3))
                    .body("[0].summary", equalTo("3 failed payments within 1 hour, 3 or more raise an alert"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(fraudEvents(monitor, user, "repeated_failures")).hasSize(1));
            assertThat(fraudEvents(monitor, user, "repeated_failures").get(0).path("data").path("summary").asText())
                    .isEqualTo("3 failed payments within 1 hour, 3 or more raise an alert");
        }
    }

    @Test
    void alertsAreForAdminsOnly() {
        long user = Users.next();
        given().header("Authorization", Users.bearer(user, "provider")).when().get("/api/fraud/alerts")
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", Users.admin()).queryParam("rule", "gut_feeling")
                .when().get("/api/fraud/alerts")
                .then().statusCode(400).body("errors[0].field", equalTo("rule"));
    }

    private static void succeed(String intent) {
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded", intent, 1000))
                .statusCode(200).body("status", equalTo("processed"));
    }

    private static void fail(String intent) {
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.payment_failed", intent, 1000))
                .statusCode(200).body("status", equalTo("processed"));
    }

    private static ValidatableResponse alerts(long user, String rule) {
        return given().header("Authorization", Users.admin()).queryParam("customer_id", user).queryParam("rule", rule)
                .when().get("/api/fraud/alerts").then().statusCode(200);
    }

    private static List<JsonNode> fraudEvents(TestNats.ChannelWatch monitor, long user, String rule) {
        return monitor.ofType("fraud_alert").stream()
                .filter(e -> e.path("data").path("customer_ref").asText().equals(String.valueOf(user))
                        && e.path("data").path("rule").asText().equals(rule))
                .toList();
    }
}
