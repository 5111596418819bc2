package io.leadline.leads.operations;

import io.leadline.leads.support.Api;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class OperationsTest {

    @Test
    void openApiDescribesTheEndpoints() {
        given().queryParam("format", "json").get("/q/openapi")
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
        given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("nats", "Database connections health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        Api.submitLead();
        given().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("uri=\"/api/leads\""));
    }
}
