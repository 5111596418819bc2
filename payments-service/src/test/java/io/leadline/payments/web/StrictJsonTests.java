package io.leadline.payments.web;

import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.Users;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Integer fields take JSON integers only, as in leads-service: a fraction or a string is refused
 * naming the field, never rounded or converted, and nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class StrictJsonTests {

    @Inject
    TestDatabase dataSource;

    @ParameterizedTest(name = "amount {0}")
    @ValueSource(strings = {"1.5", "100.0", "\"100\"", "\"\"", "1e2"})
    void aTopUpAmountThatIsNotAnIntegerIsRefusedNamingIt(String amount) {
        long user = Users.next();
        given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON)
                .body("{\"amount\":" + amount + ",\"provider\":\"stripe\",\"currency\":\"USD\"}")
                .when().post("/api/wallet/top-ups")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("amount"))
                .body("detail", startsWith("amount: "));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM payments WHERE customer_id = ?", user)).isZero();
    }

    @ParameterizedTest(name = "amount {0}")
    @ValueSource(strings = {"2.5", "\"100\""})
    void aGrantAmountThatIsNotAnIntegerIsRefusedNamingIt(String amount) {
        long user = Users.next();
        given().header("Authorization", Users.admin()).contentType(ContentType.JSON)
                .body("{\"amount\":" + amount + ",\"reason\":\"strict\"}")
                .when().post("/api/wallet/{userId}/grants", user)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("amount"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM ledger_entries WHERE user_id = ?", user)).isZero();
    }

    @ParameterizedTest(name = "seller_id {0}")
    @ValueSource(strings = {"7.5", "\"7\""})
    void anEscrowSellerIdThatIsNotAnIntegerIsRefusedNamingIt(String sellerId) {
        long buyer = Users.next();
        given().header("Authorization", Users.bearer(buyer, "customer")).contentType(ContentType.JSON)
                .body("{\"seller_id\":" + sellerId + ",\"amount\":\"10.00\",\"currency\":\"USD\",\"description\":\"x\"}")
                .when().post("/api/escrows")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("seller_id"));
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM escrows WHERE buyer_id = ?", buyer)).isZero();
    }
}
