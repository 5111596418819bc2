package io.leadline.payments.escrow;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.TestDirectory;
import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class EscrowTests {

    @Inject
    TestDatabase dataSource;

    @BeforeEach
    void leadsAnswersWhoExists() {
        TestDirectory.start();
    }

    @Test
    void anEscrowGoesFromInitiatedToHeldByTheWebhookAndIsReleasedByTheBuyerLive() throws Exception {
        long buyer = Users.next();
        long seller = Users.next();
        JsonPath created = create(buyer, seller, "250.00").statusCode(201)
                .body("status", equalTo("INITIATED"))
                .body("buyer_id", equalTo(String.valueOf(buyer)))
                .body("payment.provider_reference", matchesPattern("pi_.*"))
                .body("payment.status", equalTo("pending"))
                .extract().jsonPath();
        long id = created.getLong("id");

        // put right after the commit; should that put fail, the retry job puts it a moment later
        KeyValue bucket = TestNats.as(NatsIdentity.NOTIFY).keyValue(EscrowPartiesBucket.NAME);
        KeyValueEntry parties = await().atMost(Duration.ofSeconds(30))
                .until(() -> bucket.get(String.valueOf(id)), entry -> entry != null && entry.getValue() != null);
        JsonNode value = JsonCodec.tree(parties.getValue());
        assertThat(value.path("buyer_id").asText()).isEqualTo(String.valueOf(buyer));
        assertThat(value.path("seller_id").asText()).isEqualTo(String.valueOf(seller));

        try (TestNats.ChannelWatch channel = TestNats.watch(Channels.escrow(id))) {
            Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                    created.getString("payment.provider_reference"), 25000)).statusCode(200);
            get(id, Users.bearer(seller, "customer")).statusCode(200).body("status", equalTo("HELD"));

            action(id, "release", Users.bearer(buyer, "customer"), null).statusCode(200)
                    .body("status", equalTo("RELEASED"));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(channel.ofType("status_change")).extracting(e -> e.path("data").path("new_status").asText())
                        .containsExactly("HELD", "RELEASED");
                assertThat(channel.ofType("payment_status")).extracting(e -> e.path("data").path("status").asText())
                        .containsExactly("pending", "captured");
                assertThat(channel.ofType("escrow_update")).extracting(e -> e.path("data").path("event_type").asText())
                        .containsExactly("created", "held", "released");
            });
            JsonNode update = channel.ofType("escrow_update").get(0).path("data");
            assertThat(update.path("escrow_id").asText()).isEqualTo(String.valueOf(id));
            assertThat(update.path("amount").decimalValue()).isEqualByComparingTo("250.00");
            JsonNode change = channel.ofType("status_change").get(0).path("data");
            assertThat(change.path("old_status").asText()).isEqualTo("INITIATED");
        }
    }

    @Test
    void bothPartiesConfirmingReleasesTheFunds() {
        long buyer = Users.next();
        long seller = Users.next();
        long id = heldEscrow(buyer, seller);

        action(id, "confirm", Users.bearer(buyer, "customer"), Map.of("note", "received")).statusCode(200)
                .body("status", equalTo("HELD")).body("buyer_confirmed", equalTo(true));
        action(id, "confirm", Users.bearer(buyer, "customer"), null).statusCode(200).body("status", equalTo("HELD"));
        action(id, "confirm", Users.bearer(seller, "provider"), null).statusCode(200)
                .body("status", equalTo("RELEASED"));
    }

    @Test
    void aDisputeIsResolvedByAnAdminAndARefundReturnsThePayment() {
        long buyer = Users.next();
        long seller = Users.next();
        long id = heldEscrow(buyer, seller);

        action(id, "disputes", Users.bearer(buyer, "customer"), Map.of("reason", "never delivered"))
                .statusCode(200).body("status", equalTo("DISPUTED")).body("dispute_reason", equalTo("never delivered"));
        action(id, "release", Users.bearer(buyer, "customer"), null).statusCode(409);
        action(id, "resolution", Users.bearer(seller, "provider"), Map.of("outcome", "release")).statusCode(403);
        action(id, "resolution", Users.admin(), Map.of("outcome", "keep")).statusCode(400)
                .body("errors[0].field", equalTo("outcome"));

        action(id, "resolution", Users.admin(), Map.of("outcome", "refund", "note", "buyer is right"))
                .statusCode(200).body("status", equalTo("REFUNDED"));

        long paymentId = get(id, Users.bearer(buyer, "customer")).extract().jsonPath().getLong("payment_id");
        assertThat(Payments.payment(buyer, paymentId).getString("status")).isEqualTo("refunded");
    }

    @Test
    void theSellerMayRefundAHeldEscrow() {
        long buyer = Users.next();
        long seller = Users.next();
        long id = heldEscrow(buyer, seller);
        action(id, "refund", Users.bearer(buyer, "customer"), null).statusCode(403);
        action(id, "refund", Users.bearer(seller, "provider"), null).statusCode(200).body("status", equalTo("REFUNDED"));
    }

    @Test
    void releaseAndRefundNeedNoBodyNorContentType() {
        long buyer = Users.next();
        long seller = Users.next();
        long released = heldEscrow(buyer, seller);
        given().header("Authorization", Users.bearer(buyer, "customer"))
                .when().post("/api/escrows/{id}/release", released)
                .then().statusCode(200).body("status", equalTo("RELEASED"));
        long refunded = heldEscrow(buyer, seller);
        given().header("Authorization", Users.bearer(seller, "provider"))
                .when().post("/api/escrows/{id}/refund", refunded)
                .then().statusCode(200).body("status", equalTo("REFUNDED"));
    }

    @Test
    void illegalTransitionsAre409AndChangeNothing() {
        long buyer = Users.next();
        long seller = Users.next();
        long id = create(buyer, seller, "10.00").statusCode(201).extract().jsonPath().getLong("id");
        String asBuyer = Users.bearer(buyer, "customer");
        String asSeller = Users.bearer(seller, "provider");

        for (String move : List.of("release", "confirm")) {
            action(id, move, asBuyer, null).statusCode(409).contentType("application/problem+json");
        }
        action(id, "refund", asSeller, null).statusCode(409);
        action(id, "disputes", asSeller, Map.of("reason", "too early")).statusCode(409);
        action(id, "resolution", Users.admin(), Map.of("outcome", "refund")).statusCode(409);
        get(id, asBuyer).statusCode(200).body("status", equalTo("INITIATED")).body("dispute_reason", equalTo(null));
        assertThat(transitions(id)).isEqualTo(1);

        long released = heldEscrow(buyer, seller);
        action(released, "release", asBuyer, null).statusCode(200);
        action(released, "refund", asSeller, null).statusCode(409);
        action(released, "disputes", asBuyer, Map.of("reason", "late")).statusCode(409);
        get(released, asBuyer).statusCode(200).body("status", equalTo("RELEASED"));
        assertThat(transitions(released)).isEqualTo(3);
    }

    @Test
    void onlyThePartiesAndAdminsSeeAnEscrow() {
        long buyer = Users.next();
        long seller = Users.next();
        long stranger = Users.next();
        long id = create(buyer, seller, "10.00").statusCode(201).extract().jsonPath().getLong("id");

        get(id, Users.bearer(buyer, "customer")).statusCode(200);
        get(id, Users.bearer(seller, "provider")).statusCode(200);
        get(id, Users.admin()).statusCode(200);
        get(id, Users.bearer(stranger, "provider")).statusCode(404).contentType("application/problem+json");
        action(id, "disputes", Users.bearer(stranger, "customer"), Map.of("reason", "x")).statusCode(404);
        get(987_654_321L, Users.bearer(buyer, "customer")).statusCode(404);
        given().when().get("/api/escrows/{id}", id).then().statusCode(401);
    }

    @Test
    void badEscrowRequestsNameTheField() {
        long buyer = Users.next();
        Map<String, Map<String, Object>> cases = Map.of(
                "seller_id", Map.of("seller_id", buyer, "amount", 10, "currency", "USD", "description", "self"),
                "amount", Map.of("seller_id", Users.next(), "amount", 0, "currency", "USD", "description", "zero"),
                "currency", Map.of("seller_id", Users.next(), "amount", 5, "currency", "usd", "description", "x"),
                "description", Map.of("seller_id", Users.next(), "amount", 5, "currency", "USD"));
        cases.forEach((field, body) -> given().header("Authorization", Users.bearer(buyer, "customer"))
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/escrows")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field)));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM escrows WHERE buyer_id = ?", buyer)).isZero();
    }

    @Test
    void anEscrowNamingASellerWhoIsNoUserIsRefusedAndNothingIsStored() {
        long buyer = Users.next();
        long stranger = Users.unknown();
        create(buyer, stranger, "10.00").statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("seller_id"))
                .body("detail", org.hamcrest.Matchers.startsWith("seller_id: "));
        assertNothingStoredFor(buyer);
        // a real seller: the same request goes through
        create(buyer, Users.next(), "10.00").statusCode(201);
    }

    @Test
    void whenLeadsServiceCannotSayWhetherTheSellerExistsTheEscrowIs503AndNothingIsStored() {
        long buyer = Users.next();
        long seller = Users.next();
        try {
            TestDirectory.stop(); // no responder at all
            create(buyer, seller, "10.00").statusCode(503).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("seller_id"));
            TestDirectory.hang(); // a responder that never answers: the request times out
            create(buyer, seller, "10.00").statusCode(503).contentType("application/problem+json");
            assertNothingStoredFor(buyer);
        } finally {
            TestDirectory.start();
        }
        create(buyer, seller, "10.00").statusCode(201);
    }

    private void assertNothingStoredFor(long buyer) {
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM escrows WHERE buyer_id = ?", buyer)).isZero();
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM payments WHERE customer_id = ?", buyer)).isZero();
    }

    @Test
    void partiesMissingFromTheBucketArePublishedAgainByTheRetryJob() throws Exception {
        long buyer = Users.next();
        long seller = Users.next();
        long id = create(buyer, seller, "10.00").statusCode(201).extract().jsonPath().getLong("id");
        KeyValue bucket = TestNats.as(NatsIdentity.NOTIFY).keyValue(EscrowPartiesBucket.NAME);
        // as if the put after commit had failed
        TestNats.as(NatsIdentity.PAYMENTS).keyValue(EscrowPartiesBucket.NAME).purge(String.valueOf(id));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE escrows SET parties_published_at = NULL WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            KeyValueEntry entry = bucket.get(String.valueOf(id));
            assertThat(entry).isNotNull();
            assertThat(entry.getValue()).isNotNull();
            assertThat(JsonCodec.tree(entry.getValue()).path("seller_id").asText()).isEqualTo(String.valueOf(seller));
            assertThat(Db.scalar(dataSource,
                    "SELECT count(*) FROM escrows WHERE id = ? AND parties_published_at IS NOT NULL", id)).isEqualTo(1);
        });
    }

    private long heldEscrow(long buyer, long seller) {
        JsonPath created = create(buyer, seller, "40.00").statusCode(201).extract().jsonPath();
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                created.getString("payment.provider_reference"), 4000)).statusCode(200);
        long id = created.getLong("id");
        get(id, Users.bearer(buyer, "customer")).statusCode(200).body("status", equalTo("HELD"));
        return id;
    }

    private long transitions(long id) {
        return Db.scalar(dataSource, "SELECT count(*) FROM escrow_transitions WHERE escrow_id = ?", id);
    }

    private static ValidatableResponse create(long buyer, long seller, String amount) {
        return given().header("Authorization", Users.bearer(buyer, "customer")).contentType(ContentType.JSON)
                .body(Map.of("seller_id", seller, "amount", amount, "currency", "USD", "description", "kitchen remodel"))
                .when().post("/api/escrows").then();
    }

    private static ValidatableResponse get(long id, String authorization) {
        return given().header("Authorization", authorization).when().get("/api/escrows/{id}", id).then();
    }

    private static ValidatableResponse action(long id, String action, String authorization, Map<String, ?> body) {
        var request = given().header("Authorization", authorization).contentType(ContentType.JSON);
        if (body != null) {
            request.body(body);
        }
        return request.when().post("/api/escrows/{id}/" + action, id).then();
    }
}
