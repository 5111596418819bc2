package io.leadline.leads.operations;

import io.leadline.leads.support.Api;
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
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class OperationsTest {

    /** The management interface (quarkus.management.*): health, metrics and OpenAPI live here only. */
    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    /** The management interface's address without its root path ({@code /q/}), as RestAssured wants it. */
    private String management() {
        return managementRoot.resolve("/").toString();
    }

    @Test
    void openApiDescribesTheEndpoints() {
        given().baseUri(management()).queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200)
                .body("paths.'/api/auth/register'.post", notNullValue())
                .body("paths.'/api/auth/token'.post", notNullValue())
                .body("paths.'/api/auth/me'.get", notNullValue())
                .body("paths.'/api/leads'.post", notNullValue())
                .body("paths.'/api/leads'.get", notNullValue())
                .body("paths.'/api/leads/{id}'.get", notNullValue())
                .body("paths.'/api/leads/{id}/verify'.post", notNullValue())
                .body("paths.'/api/leads/{id}/claim'.post", notNullValue())
                .body("paths.'/api/providers/me'.put", notNullValue());
    }

    @Test
    void readinessCoversDatabaseAndNats() {
        given().baseUri(management()).get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("nats", "Reactive PostgreSQL connections health check"));
        given().baseUri(management()).get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        Api.submitLead();
        given().baseUri(management()).get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("uri=\"/api/leads\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi"})
    void managementEndpointsAreOnlyOnTheManagementPort(String path) {
        given().get(path).then().statusCode(404);
        given().baseUri(management()).get(path).then().statusCode(200);
    }
}
