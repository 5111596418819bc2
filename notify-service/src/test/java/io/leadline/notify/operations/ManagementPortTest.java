package io.leadline.notify.operations;

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

/**
 * The gateway's public port is what the ingress routes everything else to (the dashboard, the SDK,
 * {@code /ws}): health, metrics and OpenAPI must not be reachable there, only on the management port.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class ManagementPortTest {

    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    /** The management interface's address without its root path ({@code /q/}), as RestAssured wants it. */
    private String management() {
        return managementRoot.resolve("/").toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/q/health", "/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics",
            "/q/openapi"})
    void managementEndpointsAreOnlyOnTheManagementPort(String path) {
        given().get(path).then().statusCode(404);
        given().baseUri(management()).get(path).then().statusCode(200);
    }

    @Test
    void readinessCoversDatabaseNatsAndEscrowParties() {
        given().baseUri(management()).get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("nats", "escrow-parties"));
    }

    @Test
    void prometheusMetricsAreInTheTextFormat() {
        given().baseUri(management()).get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    void thePublicPortStillServesTheDashboard() {
        given().get("/").then().statusCode(200);
    }
}
