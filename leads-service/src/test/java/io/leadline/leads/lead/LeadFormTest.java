package io.leadline.leads.lead;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Database;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class LeadFormTest {

    @Inject
    Database database;

    @Test
    void anyoneMaySubmitALeadWhichStartsAsNewWithItsCategoryDefaults() {
        Map<String, Object> form = Api.validLeadForm();
        form.put("category", "roofing");
        form.put("state", "ca");
        form.put("zip", "94110-1234");
        JsonPath lead = given().contentType(ContentType.JSON).body(form)
                .post("/api/leads")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("status", equalTo("new"))
                .body("category", equalTo("roofing"))
                .body("price", equalTo(40))
                .body("max_claims", equalTo(3))
                .body("current_claims", equalTo(0))
                .body("available", equalTo(false))
                .body("state", equalTo("CA"))
                .body("zip", equalTo("94110-1234"))
                .body("units", equalTo(1))
                .body("urgency", equalTo("high"))
                .extract().jsonPath();
        // the anonymous submitter gets no contact data back: contact details are for admins and claimants
        assertThat(lead.getMap("")).doesNotContainKey("contact");
        assertThat(database.count("SELECT count(*) FROM leads WHERE id = ? AND status = 'new' "
                + "AND contact_email = 'jordan.carter@example.com'", lead.getLong("id"))).isEqualTo(1);
    }

    @Test
    void priceAndClaimLimitFollowTheCategory() {
        Map<String, Object> form = Api.validLeadForm();
        form.put("category", "property_management");
        given().contentType(ContentType.JSON).body(form).post("/api/leads")
                .then().statusCode(201).body("price", equalTo(50)).body("max_claims", equalTo(2));
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of("title", null),
                Arguments.of("title", "   "),
                Arguments.of("title", "Fix"),
                Arguments.of("title", "t".repeat(121)),
                Arguments.of("description", null),
                Arguments.of("description", "too short"),
                Arguments.of("description", "d".repeat(4001)),
                Arguments.of("category", null),
                Arguments.of("category", "astrology"),
                Arguments.of("category", "Plumbing"),
                Arguments.of("contact_name", null),
                Arguments.of("contact_name", ""),
                Arguments.of("contact_name", "n".repeat(101)),
                Arguments.of("contact_email", null),
                Arguments.of("contact_email", "not-an-email"),
                Arguments.of("contact_email", "jordan@localhost"),
                Arguments.of("contact_email", "two@@example.com"),
                Arguments.of("contact_phone", null),
                Arguments.of("contact_phone", "12345"),
                Arguments.of("contact_phone", "call me maybe"),
                Arguments.of("contact_phone", "1234567890123456"),
                Arguments.of("city", null),
                Arguments.of("city", ""),
                Arguments.of("city", "Springfield<script>"),
                Arguments.of("city", "c".repeat(81)),
                Arguments.of("state", null),
                Arguments.of("state", "ZZ"),
                Arguments.of("state", "California"),
                Arguments.of("zip", null),
                Arguments.of("zip", "1234"),
                Arguments.of("zip", "123456"),
                Arguments.of("zip", "12345-67"),
                Arguments.of("zip", "ABCDE"),
                Arguments.of("property_type", null),
                Arguments.of("property_type", "castle"),
                Arguments.of("units", null),
                Arguments.of("units", 0),
                Arguments.of("units", -3),
                Arguments.of("units", 100_001),
                Arguments.of("units", "many"),
                Arguments.of("units", 2.5),
                Arguments.of("units", "12"),
                Arguments.of("urgency", null),
                Arguments.of("urgency", "yesterday"),
                Arguments.of("urgency", "HIGH"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidFields")
    void eachInvalidFieldIsNamedAndNothingIsStored(String field, Object value) {
        Map<String, Object> form = Api.validLeadForm();
        form.put(field, value);
        long before = database.rows("leads");
        JsonPath problem = given().contentType(ContentType.JSON).body(form)
                .post("/api/leads")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .extract().jsonPath();
        // a field may break several rules at once ("   " is blank and too short): each is reported
        assertThat(problem.getList("errors.field", String.class)).isNotEmpty().containsOnly(field);
        assertThat(problem.getString("detail")).startsWith(field + ": ");
        assertThat(problem.getString("errors[0].message")).isNotBlank();
        assertThat(database.rows("leads")).isEqualTo(before);
    }

    @Test
    void everyInvalidFieldIsNamedAtOnce() {
        Map<String, Object> form = Api.validLeadForm();
        form.put("zip", "nope");
        form.put("contact_email", "nope");
        form.put("units", 0);
        long before = database.rows("leads");
        JsonPath problem = given().contentType(ContentType.JSON).body(form).post("/api/leads")
                .then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertThat(problem.getList("errors.field", String.class)).containsExactly("contact_email", "units", "zip");
        assertThat(database.rows("leads")).isEqualTo(before);
    }

    @Test
    void unknownCategoryListsTheAcceptedOnes() {
        Map<String, Object> form = Api.validLeadForm();
        form.put("category", "astrology");
        given().contentType(ContentType.JSON).body(form).post("/api/leads")
                .then().statusCode(400)
                .body("errors.size()", equalTo(1))
                .body("errors[0].field", equalTo("category"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("plumbing"));
        form.put("category", "plumbing");
        form.put("state", "ZZ");
        given().contentType(ContentType.JSON).body(form).post("/api/leads")
                .then().statusCode(400)
                .body("errors.size()", equalTo(1))
                .body("errors[0].field", equalTo("state"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "\"text\"", "{\"title\": }"})
    void malformedBodyIsAProblemAndStoresNothing(String body) {
        long before = database.rows("leads");
        given().contentType(ContentType.JSON).body(body).post("/api/leads")
                .then().statusCode(400).contentType("application/problem+json");
        assertThat(database.rows("leads")).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"residential", "commercial", "condo", "mixed_use"})
    void aBroadClassIsAcceptedAsWellAsAFineType(String propertyType) {
        Map<String, Object> form = Api.validLeadForm();
        form.put("property_type", propertyType);
        long id = given().contentType(ContentType.JSON).body(form)
                .post("/api/leads")
                .then().statusCode(201).body("property_type", equalTo(propertyType))
                .extract().jsonPath().getLong("id");
        assertThat(database.text("SELECT property_type FROM leads WHERE id = ?", id)).isEqualTo(propertyType);
    }

    @Test
    void anUnknownPropertyTypeIsAnsweredWithTheAcceptedOnes() {
        Map<String, Object> form = Api.validLeadForm();
        form.put("property_type", "castle");
        given().contentType(ContentType.JSON).body(form)
                .post("/api/leads")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("property_type"))
                .body("errors[0].message", equalTo("must be one of residential, commercial (the broad classes), "
                        + "single_family, multi_family, condo, townhouse, apartment, industrial, mixed_use"));
    }

    @Test
    void unknownPropertiesAreIgnoredAndCannotSetStatusOrPrice() {
        Map<String, Object> form = Api.validLeadForm();
        form.put("status", "verified");
        form.put("price", 0);
        form.put("max_claims", 99);
        given().contentType(ContentType.JSON).body(form).post("/api/leads")
                .then().statusCode(201).body("status", equalTo("new"))
                .body("price", equalTo(25)).body("max_claims", equalTo(3));
    }
}
