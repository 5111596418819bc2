package io.leadline.payments.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class WalletGrantTests {

    @Inject
    TestDatabase dataSource;

    @Test
    void anAdminGrantIsBookedInTheLedgerAndAnnouncedOnTheUsersChannel() {
        long user = Users.next();
        try (TestNats.ChannelWatch watch = TestNats.watch(Channels.user(user))) {
            given().header("Authorization", Users.admin()).contentType(ContentType.JSON)
                    .body(Map.of("amount", 40, "reason", "welcome bonus"))
                    .when().post("/api/wallet/{id}/grants", user)
                    .then().statusCode(201)
                    .body("new_balance", equalTo(40))
                    .body("entry.kind", equalTo("grant"))
                    .body("entry.change", equalTo(40))
                    .body("entry.reason", equalTo("welcome bonus"));

            await().atMost(Duration.ofSeconds(20)).until(() -> watch.ofType("balance_updated").size() == 1);
            JsonNode data = watch.ofType("balance_updated").get(0).path("data");
            assertThat(data.path("new_balance").asLong()).isEqualTo(40);
            assertThat(data.path("previous_balance").asLong()).isZero();
            assertThat(data.path("change").asLong()).isEqualTo(40);
            assertThat(data.path("reason").asText()).isEqualTo("welcome bonus");
        }
    }

    @Test
    void aGrantRepeatedWithItsIdempotencyKeyIsBookedOnce() {
        long user = Users.next();
        for (int attempt = 0; attempt < 2; attempt++) {
            given().header("Authorization", Users.admin()).header("Idempotency-Key", "grant-" + user)
                    .contentType(ContentType.JSON).body(Map.of("amount", 7, "reason", "once"))
                    .when().post("/api/wallet/{id}/grants", user)
                    .then().statusCode(attempt == 0 ? 201 : 200)
                    .body("replayed", equalTo(attempt == 1))
                    .body("new_balance", equalTo(7));
        }
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"provider", "property_manager", "customer"})
    void onlyAdminsMayGrant(String role) {
        long user = Users.next();
        given().header("Authorization", Users.bearer(user, role)).contentType(ContentType.JSON)
                .body(Map.of("amount", 1000, "reason", "self-service"))
                .when().post("/api/wallet/{id}/grants", user)
                .then().statusCode(403).contentType("application/problem+json");
        assertNoWallet(user);
    }

    @Test
    void withoutAValidTokenNothingIsServed() {
        long user = Users.next();
        given().when().get("/api/wallet").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer " + TestTokens.expiredToken(String.valueOf(user), "provider"))
                .when().get("/api/wallet").then().statusCode(401);
        given().header("Authorization", "Bearer " + TestTokens.forgedToken("1", "admin"))
                .contentType(ContentType.JSON).body(Map.of("amount", 5, "reason", "forged"))
                .when().post("/api/wallet/{id}/grants", user).then().statusCode(401);
        given().header("Authorization", "Bearer " + TestTokens.token("admin-1", "admin"))
                .contentType(ContentType.JSON).body(Map.of("amount", 5, "reason", "no account"))
                .when().post("/api/wallet/{id}/grants", user).then().statusCode(401);
        assertNoWallet(user);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"amount\": -5, \"reason\": \"x\"}",
            "{\"amount\": 0, \"reason\": \"x\"}",
            "{\"amount\": 1000000000000, \"reason\": \"x\"}",
            "{\"amount\": 99999999999999999999999, \"reason\": \"x\"}",
            "{\"amount\": \"lots\", \"reason\": \"x\"}",
            "{\"reason\": \"x\"}"})
    void badAmountsAreRefusedNamingTheField(String body) {
        long user = Users.next();
        given().header("Authorization", Users.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/wallet/{id}/grants", user)
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors[0].field", equalTo("amount"))
                .body("detail", containsString("amount"));
        assertNoWallet(user);
    }

    @Test
    void aMissingReasonIsNamed() {
        long user = Users.next();
        given().header("Authorization", Users.admin()).contentType(ContentType.JSON).body("{\"amount\": 5}")
                .when().post("/api/wallet/{id}/grants", user)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("reason"));
        assertNoWallet(user);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"amount\": 5, ", "not json", ""})
    void malformedBodiesAreProblems(String body) {
        long user = Users.next();
        given().header("Authorization", Users.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/wallet/{id}/grants", user)
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", startsWith("Bad Request"));
        assertNoWallet(user);
    }

    @Test
    void aNewUserSeesAnEmptyWallet() {
        long user = Users.next();
        given().header("Authorization", Users.bearer(user, "customer"))
                .when().get("/api/wallet")
                .then().statusCode(200)
                .body("user_id", equalTo((int) user))
                .body("balance", equalTo(0))
                .body("entries.size()", equalTo(0));
    }

    private void assertNoWallet(long user) {
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM wallets WHERE user_id = ?", user)).isZero();
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user)).isZero();
    }
}
