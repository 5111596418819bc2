package io.leadline.payments.ops;

import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class OperationsTests {

    @Test
    void readinessCoversTheDatabaseAndNats() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("nats"))
                .body("checks.name.toString()", containsString("Database"));
    }

    @Test
    void openApiDescribesTheWalletApi() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/wallet"));
    }

    @Test
    void prometheusMetricsIncludeTheWalletRequests() {
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("leadline_wallet_requests"));
    }

    @Test
    void unknownPathsAreProblems() {
        given().when().get("/api/nothing-here")
                .then().statusCode(404);
    }
}
