package io.leadline.leads.lead;

import io.leadline.leads.support.Api;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class LeadQueryTest {

    @Test
    void contactDetailsOnlyForAdmins() {
        long leadId = Api.submitLead();
        Api.verify(leadId);
        given().auth().oauth2(Api.adminToken()).get("/api/leads/{id}", leadId)
                .then().statusCode(200)
                .body("contact.name", equalTo("Jordan Carter"))
                .body("contact.email", equalTo("jordan.carter@example.com"))
                .body("contact.phone", equalTo("+1 (415) 555-0134"));
        String provider = Api.register("provider").token();
        given().auth().oauth2(provider).get("/api/leads/{id}", leadId)
                .then().statusCode(200)
                .body("id", equalTo((int) leadId))
                .body("status", equalTo("verified"))
                .body("contact", nullValue());
    }

    @Test
    void unverifiedLeadsAreHiddenFromTheMarketplace() {
        long leadId = Api.submitLead();
        String provider = Api.register("provider").token();
        given().auth().oauth2(provider).get("/api/leads/{id}", leadId)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(provider).queryParam("status", "new").queryParam("size", 100).get("/api/leads")
                .then().statusCode(200).body("total", equalTo(0));
        given().auth().oauth2(Api.adminToken()).get("/api/leads/{id}", leadId)
                .then().statusCode(200).body("status", equalTo("new"));
    }

    @Test
    void readingLeadsNeedsAMarketplaceRole() {
        long leadId = Api.submitLead();
        given().get("/api/leads").then().statusCode(401).contentType("application/problem+json");
        given().get("/api/leads/{id}", leadId).then().statusCode(401);
        String customer = Api.register("customer").token();
        given().auth().oauth2(customer).get("/api/leads").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(customer).get("/api/leads/{id}", leadId).then().statusCode(403);
    }

    @Test
    void filtersNarrowTheListing() {
        String city = "Filterville " + Api.uniqueName("x").replaceAll("[^a-z]", "");
        long austinRoof = lead(Map.of("city", city, "state", "TX", "category", "roofing"));
        long austinPlumb = lead(Map.of("city", city, "state", "TX", "category", "plumbing"));
        long newOne = Api.submitLead(form(Map.of("city", city, "state", "TX", "category", "roofing")));
        String admin = Api.adminToken();

        JsonPath all = given().auth().oauth2(admin).queryParam("city", city.toUpperCase()).get("/api/leads")
                .then().statusCode(200).extract().jsonPath();
        assertThat(all.getList("items.id", Long.class)).containsExactly(newOne, austinPlumb, austinRoof);
        assertThat(all.getLong("total")).isEqualTo(3);

        assertThat(given().auth().oauth2(admin).queryParams(Map.of("city", city, "category", "roofing"))
                .get("/api/leads").then().statusCode(200).extract().jsonPath().getList("items.id", Long.class))
                .containsExactly(newOne, austinRoof);
        assertThat(given().auth().oauth2(admin).queryParams(Map.of("city", city, "status", "verified", "state", "tx"))
                .get("/api/leads").then().statusCode(200).extract().jsonPath().getList("items.id", Long.class))
                .containsExactly(austinPlumb, austinRoof);
        assertThat(given().auth().oauth2(admin).queryParams(Map.of("city", city, "state", "CA"))
                .get("/api/leads").then().statusCode(200).extract().jsonPath().getList("items.id", Long.class))
                .isEmpty();

        String provider = Api.register("property_manager").token();
        JsonPath marketplace = given().auth().oauth2(provider).queryParam("city", city).get("/api/leads")
                .then().statusCode(200).extract().jsonPath();
        assertThat(marketplace.getList("items.id", Long.class)).containsExactly(austinPlumb, austinRoof);
        assertThat(marketplace.getList("items.contact")).containsOnlyNulls();
    }

    @Test
    void pagingWalksTheListingWithoutOverlap() {
        String city = "Pageton " + Api.uniqueName("x").replaceAll("[^a-z]", "");
        long first = lead(Map.of("city", city));
        long second = lead(Map.of("city", city));
        long third = lead(Map.of("city", city));
        String admin = Api.adminToken();
        JsonPath page0 = given().auth().oauth2(admin).queryParams(Map.of("city", city, "size", 2, "page", 0))
                .get("/api/leads").then().statusCode(200)
                .body("page", equalTo(0)).body("size", equalTo(2)).body("total", equalTo(3))
                .extract().jsonPath();
        JsonPath page1 = given().auth().oauth2(admin).queryParams(Map.of("city", city, "size", 2, "page", 1))
                .get("/api/leads").then().statusCode(200).body("total", equalTo(3)).extract().jsonPath();
        assertThat(page0.getList("items.id", Long.class)).containsExactly(third, second);
        assertThat(page1.getList("items.id", Long.class)).containsExactly(first);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "page, -1", "page, 10001", "page, abc",
            "size, 0", "size, 101", "size, lots",
            "status, pending", "category, astrology", "state, XX"})
    void badQueryParametersAreNamed(String parameter, String value) {
        given().auth().oauth2(Api.adminToken()).queryParam(parameter, value).get("/api/leads")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(parameter));
    }

    private static long lead(Map<String, Object> changes) {
        long id = Api.submitLead(form(changes));
        Api.verify(id);
        return id;
    }

    private static Map<String, Object> form(Map<String, Object> changes) {
        Map<String, Object> form = Api.validLeadForm();
        form.putAll(changes);
        return form;
    }
}
