package io.leadline.payments.ops;

import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestDirectory;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.openapi.OpenApiContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Every operation of the served {@code /q/openapi}, called for real: each request the service takes and
 * each answer, failures included, must be what the document says ({@link OpenApiContract}), and an
 * operation nobody calls here fails the test.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class ApiContractTests {

    private static final String PROBLEM = "application/problem+json";

    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    @Test
    void everyOperationAnswersAsTheServedDocumentSays() throws Exception {
        TestDirectory.start();
        OpenApiContract contract = OpenApiContract.served(managementRoot.resolve("/"));
        contract.holdDuring(() -> {
            walletAndTopUps();
            webhooks();
            adminPayments();
            escrows();
        });
        contract.assertEveryOperationExercised();
        contract.assertAnswered("POST", "/api/wallet/top-ups", 400);
        contract.assertAnswered("GET", "/api/payments/transactions", 400);
        contract.assertAnswered("POST", "/api/escrows", 400);
    }

    private void walletAndTopUps() {
        long user = Users.next();
        given().header("Authorization", Users.bearer(user, "provider")).get("/api/wallet")
                .then().statusCode(200).body("user_id", equalTo((int) user)).body("balance", equalTo(0));
        String key = "grant-" + UUID.randomUUID();
        grant(user, Map.of("amount", 30, "reason", "welcome"), key).statusCode(201)
                .body("new_balance", equalTo(30)).body("entry.balance_after", equalTo(30))
                .body("replayed", equalTo(false));
        grant(user, Map.of("amount", 30, "reason", "welcome"), key).statusCode(200).body("replayed", equalTo(true));
        grant(user, Map.of("amount", 0, "reason", "nothing"), null).statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("amount"));
        given().header("Authorization", Users.bearer(user, "provider")).get("/api/wallet")
                .then().statusCode(200).body("entries[0].kind", equalTo("grant"));

        Payments.topUp(user, 10, "stripe");
        given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON)
                .body(Map.of("amount", 10, "provider", "stripe", "currency", "usd")).post("/api/wallet/top-ups")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("currency"));
        given().contentType(ContentType.JSON).body(Map.of("amount", 10, "provider", "stripe", "currency", "USD"))
                .post("/api/wallet/top-ups").then().statusCode(401).contentType(PROBLEM);
    }

    private void webhooks() {
        long user = Users.next();
        JsonPath stripe = Payments.topUp(user, 20, "stripe");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                stripe.getString("provider_reference"), 2000)).statusCode(200).body("status", equalTo("processed"));
        Webhooks.stripe("{}", "t=1,v1=00").statusCode(400).contentType(PROBLEM);

        JsonPath razorpay = Payments.topUp(user, 100, "razorpay", "INR");
        Webhooks.razorpay(Webhooks.razorpayPayment("payment.captured", razorpay.getString("provider_reference"),
                razorpay.getLong("amount_minor"), "INR"), Webhooks.eventId("evt_rzp_"))
                .statusCode(200).body("status", equalTo("processed"));
        Webhooks.razorpay("{}", Webhooks.eventId("evt_rzp_"), "0000").statusCode(400).contentType(PROBLEM);
    }

    private void adminPayments() {
        long user = Users.next();
        JsonPath topUp = Payments.topUp(user, 50, "stripe");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                topUp.getString("provider_reference"), 5000)).statusCode(200);
        long paymentId = topUp.getLong("id");

        given().header("Authorization", Users.admin())
                .queryParam("status", "succeeded").queryParam("provider", "stripe").queryParam("kind", "top_up")
                .queryParam("customer_id", user).queryParam("from", "2020-01-01T00:00:00Z")
                .queryParam("to", "2999-01-01T00:00:00Z").queryParam("page", 0).queryParam("size", 10)
                .get("/api/payments/transactions")
                .then().statusCode(200).body("items[0].id", equalTo((int) paymentId))
                .body("items[0].customer_ref", equalTo(String.valueOf(user)));
        given().header("Authorization", Users.admin()).queryParam("from", "yesterday").get("/api/payments/transactions")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("from"));
        given().header("Authorization", Users.bearer(user, "provider")).get("/api/payments/transactions")
                .then().statusCode(403).contentType(PROBLEM);

        given().header("Authorization", Users.admin()).queryParam("window", "1h").get("/api/payments/metrics")
                .then().statusCode(200).body("window", equalTo("1h"));
        given().header("Authorization", Users.admin()).queryParam("window", "2h").get("/api/payments/metrics")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("window"));
        given().header("Authorization", Users.admin()).queryParam("window", "1h").queryParam("step", "5m")
                .get("/api/payments/metrics/series").then().statusCode(200);
        given().header("Authorization", Users.admin()).queryParam("step", "7m").get("/api/payments/metrics/series")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("step"));

        String key = "refund-" + UUID.randomUUID();
        refund(paymentId, Map.of("amount", 10, "reason", "asked"), key).statusCode(201)
                .body("payment_id", equalTo((int) paymentId)).body("credits_clawed_back", equalTo(10));
        refund(paymentId, Map.of("amount", 10, "reason", "asked"), key).statusCode(200).body("replayed", equalTo(true));
        refund(paymentId, Map.of("amount", new BigDecimal("0.001")), null).statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("amount"));

        given().header("Authorization", Users.admin()).queryParam("rule", "velocity").queryParam("customer_id", user)
                .queryParam("page", 0).queryParam("size", 5).get("/api/fraud/alerts")
                .then().statusCode(200);
        given().header("Authorization", Users.admin()).queryParam("size", 0).get("/api/fraud/alerts")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("size"));
    }

    private void escrows() {
        long buyer = Users.next();
        long seller = Users.next();
        String asBuyer = Users.bearer(buyer, "customer");
        String asSeller = Users.bearer(seller, "provider");

        long confirmed = heldEscrow(asBuyer, seller);
        action(confirmed, "confirm", asBuyer, Map.of("note", "received")).statusCode(200)
                .body("buyer_confirmed", equalTo(true)).body("seller_id", equalTo(String.valueOf(seller)));
        action(confirmed, "release", asBuyer, null).statusCode(200).body("status", equalTo("RELEASED"));

        long disputed = heldEscrow(asBuyer, seller);
        action(disputed, "disputes", asBuyer, Map.of("reason", "never delivered")).statusCode(200)
                .body("dispute_reason", equalTo("never delivered"));
        action(disputed, "resolution", Users.admin(), Map.of("outcome", "keep")).statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("outcome"));
        action(disputed, "resolution", Users.admin(), Map.of("outcome", "refund", "note", "buyer is right"))
                .statusCode(200).body("status", equalTo("REFUNDED"));

        long refunded = heldEscrow(asBuyer, seller);
        action(refunded, "refund", asSeller, null).statusCode(200).body("status", equalTo("REFUNDED"));

        given().header("Authorization", asBuyer).contentType(ContentType.JSON)
                .body(Map.of("amount", new BigDecimal("40.00"), "currency", "USD", "description", "no seller"))
                .post("/api/escrows")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("seller_id"));
        given().header("Authorization", Users.bearer(Users.next(), "customer")).get("/api/escrows/{id}", refunded)
                .then().statusCode(404).contentType(PROBLEM);
    }

    private long heldEscrow(String asBuyer, long seller) {
        JsonPath created = given().header("Authorization", asBuyer).contentType(ContentType.JSON)
                .body(Map.of("seller_id", seller, "amount", new BigDecimal("40.00"), "currency", "USD",
                        "description", "kitchen remodel"))
                .post("/api/escrows")
                .then().statusCode(201).body("status", equalTo("INITIATED")).body("payment.status", equalTo("pending"))
                .extract().jsonPath();
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                created.getString("payment.provider_reference"), 4000)).statusCode(200);
        long id = created.getLong("id");
        given().header("Authorization", asBuyer).get("/api/escrows/{id}", id)
                .then().statusCode(200).body("status", equalTo("HELD"));
        return id;
    }

    private static ValidatableResponse action(long id, String action, String authorization, Map<String, ?> body) {
        var request = given().header("Authorization", authorization);
        if (body != null) {
            request.contentType(ContentType.JSON).body(body);
        }
        return request.post("/api/escrows/{id}/" + action, id).then();
    }

    private static ValidatableResponse grant(long user, Map<String, ?> body, String key) {
        var request = given().header("Authorization", Users.admin()).contentType(ContentType.JSON).body(body);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.post("/api/wallet/{userId}/grants", user).then();
    }

    private static ValidatableResponse refund(long id, Map<String, ?> body, String key) {
        var request = given().header("Authorization", Users.admin()).contentType(ContentType.JSON).body(body);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.post("/api/payments/{id}/refund", id).then();
    }
}
