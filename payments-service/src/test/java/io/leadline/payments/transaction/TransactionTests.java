package io.leadline.payments.transaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class TransactionTests {

    @Test
    void aTopUpIsAPendingPaymentWithAProviderStyleReferenceAnnouncedToTheMonitor() {
        long user = Users.next();
        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            JsonPath stripe = Payments.topUp(user, 25, "stripe");
            JsonPath razorpay = Payments.topUp(user, 10, "razorpay");

            assertThat(stripe.getString("status")).isEqualTo("pending");
            assertThat(stripe.getString("provider_reference")).matches("pi_[A-Za-z0-9]{24}");
            assertThat(stripe.getDouble("amount")).isEqualTo(25.0);
            assertThat(stripe.getString("currency")).isEqualTo("USD");
            assertThat(stripe.getLong("credits")).isEqualTo(25);
            assertThat(razorpay.getString("provider_reference")).matches("pay_[A-Za-z0-9]{14}");

            String id = stripe.getString("id");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode created = monitor.ofType("transaction_created").stream()
                        .filter(e -> e.path("data").path("id").asText().equals(id)).findFirst().orElseThrow();
                assertThat(created.path("data").path("status").asText()).isEqualTo("pending");
                assertThat(created.path("data").path("provider").asText()).isEqualTo("stripe");
                assertThat(created.path("data").path("customer_ref").asText()).isEqualTo(String.valueOf(user));
                assertThat(monitor.ofType("metrics_updated")).isNotEmpty();
            });
            JsonNode metrics = monitor.ofType("metrics_updated").get(0).path("data");
            assertThat(metrics.has("transaction_count")).isTrue();
            assertThat(metrics.path("window").asText()).isEqualTo("24h");
        }
    }

    @Test
    void badTopUpsAreRefusedNamingTheField() {
        long user = Users.next();
        Map<String, Object> unknownProvider = Map.of("amount", 10, "provider", "paypal", "currency", "USD");
        Map<String, Object> zero = Map.of("amount", 0, "provider", "stripe", "currency", "USD");
        Map<String, Object> badCurrency = Map.of("amount", 5, "provider", "stripe", "currency", "XYZ");
        for (Map<String, Object> body : new Map[] {unknownProvider, zero, badCurrency}) {
            String field = body == unknownProvider ? "provider" : body == zero ? "amount" : "currency";
            given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON).body(body)
                    .when().post("/api/wallet/top-ups")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo(field));
        }
        given().contentType(ContentType.JSON).body(Map.of("amount", 10, "provider", "stripe", "currency", "USD"))
                .when().post("/api/wallet/top-ups").then().statusCode(401);
        given().header("Authorization", Users.admin()).queryParam("customer_id", user)
                .when().get("/api/payments/transactions")
                .then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void adminsListTransactionsWithFiltersAndPaging() {
        long user = Users.next();
        for (int i = 0; i < 5; i++) {
            Payments.topUp(user, 10 + i, i % 2 == 0 ? "stripe" : "razorpay");
        }
        given().header("Authorization", Users.admin())
                .queryParam("customer_id", user).queryParam("size", 2).queryParam("page", 1)
                .when().get("/api/payments/transactions")
                .then().statusCode(200)
                .body("total", equalTo(5)).body("page", equalTo(1)).body("size", equalTo(2))
                .body("items", hasSize(2))
                .body("items[0].amount", equalTo(12.0f));
        given().header("Authorization", Users.admin())
                .queryParam("customer_id", user).queryParam("provider", "razorpay").queryParam("status", "pending")
                .when().get("/api/payments/transactions")
                .then().statusCode(200)
                .body("total", equalTo(2))
                .body("items.provider", everyItem(equalTo("razorpay")))
                .body("items.provider_reference", everyItem(matchesPattern("pay_.*")));
    }

    @Test
    void transactionListAndMetricsAreForAdminsOnlyAndValidateTheirParameters() {
        long user = Users.next();
        given().header("Authorization", Users.bearer(user, "provider")).when().get("/api/payments/transactions")
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", Users.bearer(user, "customer")).when().get("/api/payments/metrics")
                .then().statusCode(403);
        given().header("Authorization", Users.admin()).queryParam("status", "lost")
                .when().get("/api/payments/transactions")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("status"));
        given().header("Authorization", Users.admin()).queryParam("size", 1000)
                .when().get("/api/payments/transactions")
                .then().statusCode(400).body("errors[0].field", equalTo("size"));
        given().header("Authorization", Users.admin()).queryParam("from", "yesterday")
                .when().get("/api/payments/transactions")
                .then().statusCode(400).body("errors[0].field", equalTo("from"));
        given().header("Authorization", Users.admin()).queryParam("window", "1y")
                .when().get("/api/payments/metrics")
                .then().statusCode(400).body("errors[0].field", equalTo("window"));
    }

    @Test
    void metricsCountPaymentsOfTheWindow() {
        Payments.topUp(Users.next(), 10, "stripe");
        given().header("Authorization", Users.admin()).queryParam("window", "1h")
                .when().get("/api/payments/metrics")
                .then().statusCode(200)
                .body("window", equalTo("1h"))
                .body("transaction_count", notNullValue())
                .body("success_rate", notNullValue())
                .body("revenue_total", notNullValue());
    }
}
