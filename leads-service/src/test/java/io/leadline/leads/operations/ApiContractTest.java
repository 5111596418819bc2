package io.leadline.leads.operations;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Profiles;
import io.leadline.leads.support.TestWallet;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.openapi.OpenApiContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Every operation of the served {@code /q/openapi}, called for real: each request the service takes and
 * each answer, failures included, must be what the document says ({@link OpenApiContract}), and an
 * operation nobody calls here fails the test.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class ApiContractTest {

    private static final String PROBLEM = "application/problem+json";

    @TestHTTPResource(value = "/", management = true)
    URI managementRoot;

    @Test
    void everyOperationAnswersAsTheServedDocumentSays() throws Exception {
        OpenApiContract contract = OpenApiContract.served(managementRoot.resolve("/"));
        contract.holdDuring(() -> {
            accounts();
            leads();
            claims();
            profiles();
        });
        contract.assertEveryOperationExercised();
        contract.assertAnswered("POST", "/api/leads", 400);
        contract.assertAnswered("GET", "/api/leads", 400);
        contract.assertAnswered("PUT", "/api/providers/me", 400);
    }

    private void accounts() {
        var provider = Api.register("provider");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", Api.uniqueName("someone"), "password", "long enough", "role", "admin"))
                .post("/api/auth/register")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("role"));
        given().contentType(ContentType.JSON)
                .body(Map.of("username", provider.username(), "password", "wrong password"))
                .post("/api/auth/token")
                .then().statusCode(401).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body(Map.of("username", "", "password", "x"))
                .post("/api/auth/token")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("username"));
        given().auth().oauth2(provider.token()).get("/api/auth/me")
                .then().statusCode(200).body("username", equalTo(provider.username()))
                .body("role", equalTo("provider"));
        given().get("/api/auth/me").then().statusCode(401).contentType(PROBLEM);
    }

    private void leads() {
        String admin = Api.adminToken();
        Map<String, Object> form = Api.validLeadForm();
        long id = Api.submitLead(form);
        form.put("contact_email", "not-an-address");
        given().contentType(ContentType.JSON).body(form).post("/api/leads")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("contact_email"));

        given().auth().oauth2(admin).post("/api/leads/{id}/verify", id)
                .then().statusCode(200).body("status", equalTo("verified"))
                .body("contact.name", equalTo("Jordan Carter"));
        var provider = Api.register("provider");
        given().auth().oauth2(provider.token()).post("/api/leads/{id}/verify", id)
                .then().statusCode(403).contentType(PROBLEM);

        given().auth().oauth2(admin)
                .queryParam("category", "plumbing").queryParam("state", "CA").queryParam("city", "San Francisco")
                .queryParam("status", "verified").queryParam("page", "0").queryParam("size", "5")
                .get("/api/leads")
                .then().statusCode(200).body("size", equalTo(5));
        given().auth().oauth2(admin).queryParam("size", "many").get("/api/leads")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("size"));

        given().auth().oauth2(provider.token()).get("/api/leads/{id}", id)
                .then().statusCode(200).body("id", equalTo((int) id)).body("property_type", equalTo("single_family"));
        given().auth().oauth2(admin).get("/api/leads/{id}", Long.MAX_VALUE).then().statusCode(404).contentType(PROBLEM);

        given().auth().oauth2(admin).post("/api/leads/{id}/close", id)
                .then().statusCode(200).body("status", equalTo("closed"));
        given().auth().oauth2(admin).post("/api/leads/{id}/close", id).then().statusCode(409).contentType(PROBLEM);
    }

    private void claims() throws Exception {
        long leadId = Api.verifiedLead("plumbing");
        var provider = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            String key = Api.claimKey();
            int claimId = Api.claim(provider.token(), leadId, key).then().statusCode(201)
                    .body("lead_id", equalTo((int) leadId)).body("new_balance", equalTo(75))
                    .body("max_claims", equalTo(3)).body("contact.email", equalTo("jordan.carter@example.com"))
                    .extract().path("claim_id");
            Api.claim(provider.token(), leadId, key).then().statusCode(200).body("claim_id", equalTo(claimId));
        }
        given().auth().oauth2(provider.token()).post("/api/leads/{id}/claim", leadId)
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("Idempotency-Key"));
    }

    private void profiles() {
        var manager = Api.register("property_manager");
        given().auth().oauth2(manager.token()).get("/api/providers/me").then().statusCode(404).contentType(PROBLEM);
        Map<String, Object> form = Profiles.form("plumbing", "Austin", "TX", "78701");
        form.put("property_types", List.of("single_family", "condo"));
        given().auth().oauth2(manager.token()).contentType(ContentType.JSON).body(form).put("/api/providers/me")
                .then().statusCode(200).body("service_areas[0].zip", equalTo("78701")).body("min_units", equalTo(1));
        given().auth().oauth2(manager.token()).get("/api/providers/me")
                .then().statusCode(200).body("property_types", equalTo(List.of("single_family", "condo")));
        Map<String, Object> badZip = Profiles.form("plumbing", "Austin", "TX", "7870");
        given().auth().oauth2(manager.token()).contentType(ContentType.JSON).body(badZip).put("/api/providers/me")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("service_areas[0].zip"));
    }
}
