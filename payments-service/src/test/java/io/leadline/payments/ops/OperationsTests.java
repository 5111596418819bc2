package io.leadline.payments.ops;

import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class OperationsTests {

    /** The management interface (quarkus.management.*): health, metrics and OpenAPI live here only. */
    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    /** The management interface's address without its root path ({@code /q/}), as RestAssured wants it. */
    private String management() {
        return managementRoot.resolve("/").toString();
    }

    @Test
    void readinessCoversTheDatabaseAndNats() {
        given().baseUri(management()).when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("nats", "Reactive PostgreSQL connections health check"));
    }

    @Test
    void openApiDescribesTheWalletApi() {
        given().baseUri(management()).queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/wallet"));
    }

    @Test
    void prometheusMetricsIncludeTheWalletRequests() {
        given().baseUri(management()).when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("leadline_wallet_requests"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi"})
    void managementEndpointsAreOnlyOnTheManagementPort(String path) {
        given().when().get(path).then().statusCode(404);
        given().baseUri(management()).when().get(path).then().statusCode(200);
    }

    @Test
    void unknownPathsAreProblems() {
        given().when().get("/api/nothing-here")
                .then().statusCode(404);
    }
}
