package io.leadline.leads.profile;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Database;
import io.leadline.leads.support.Profiles;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class ProviderProfileTest {

    @Inject
    Database database;

    @Test
    void providerSavesAndReadsItsProfile() {
        var provider = Api.register("provider");
        given().auth().oauth2(provider.token()).get("/api/providers/me").then().statusCode(404);
        Map<String, Object> form = Profiles.form("plumbing", "Austin", "tx", "78701");
        form.put("property_types", List.of("single_family", "condo", "condo"));
        given().auth().oauth2(provider.token()).contentType(ContentType.JSON).body(form)
                .put("/api/providers/me")
                .then().statusCode(200)
                .body("account_id", equalTo((int) provider.id()))
                .body("categories", equalTo(List.of("plumbing")))
                .body("service_areas[0].state", equalTo("TX"))
                .body("service_areas[0].zip", equalTo("78701"))
                .body("property_types", equalTo(List.of("single_family", "condo")))
                .body("min_units", equalTo(1)).body("max_units", equalTo(4));

        Map<String, Object> replaced = Profiles.form("roofing", "Dallas", "TX", null);
        replaced.remove("min_units");
        replaced.remove("max_units");
        Profiles.save(provider.token(), replaced);
        given().auth().oauth2(provider.token()).get("/api/providers/me")
                .then().statusCode(200)
                .body("categories", equalTo(List.of("roofing")))
                .body("service_areas[0].city", equalTo("Dallas"))
                .body("min_units", equalTo(null));
    }

    @Test
    void aProfileMayServeBroadClassesAndFineTypes() {
        var manager = Api.register("property_manager");
        Map<String, Object> form = Profiles.form("plumbing", "Austin", "TX", null);
        form.put("property_types", List.of("residential", "commercial", "industrial"));
        Profiles.save(manager.token(), form);
        given().auth().oauth2(manager.token()).get("/api/providers/me")
                .then().statusCode(200)
                .body("property_types", equalTo(List.of("residential", "commercial", "industrial")));
        assertThat(database.count("SELECT count(*) FROM provider_profiles WHERE account_id = ? "
                + "AND property_types = ARRAY['residential', 'commercial', 'industrial']", manager.id())).isEqualTo(1);
    }

    @Test
    void propertyManagersHaveProfilesOthersDoNot() {
        Profiles.save(Api.register("property_manager").token(), Profiles.form("plumbing", "Austin", "TX", null));
        Map<String, Object> form = Profiles.form("plumbing", "Austin", "TX", null);
        given().auth().oauth2(Api.register("customer").token()).contentType(ContentType.JSON).body(form)
                .put("/api/providers/me").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Api.adminToken()).contentType(ContentType.JSON).body(form)
                .put("/api/providers/me").then().statusCode(403);
        given().contentType(ContentType.JSON).body(form).put("/api/providers/me").then().statusCode(401);
    }

    static Stream<Arguments> invalidProfiles() {
        return Stream.of(
                Arguments.of("categories", null, "categories"),
                Arguments.of("categories", List.of(), "categories"),
                // ProblemMappers names the list, not the element, for elements of a list of plain values
                Arguments.of("categories", List.of("astrology"), "categories"),
                Arguments.of("service_areas", null, "service_areas"),
                Arguments.of("service_areas", List.of(), "service_areas"),
                Arguments.of("service_areas", List.of(Map.of("city", "Austin", "state", "ZZ")), "service_areas[0].state"),
                Arguments.of("service_areas", List.of(Map.of("state", "TX")), "service_areas[0].city"),
                Arguments.of("service_areas", List.of(Map.of("city", "Austin", "state", "TX", "zip", "7870")),
                        "service_areas[0].zip"),
                Arguments.of("property_types", List.of("castle"), "property_types"),
                Arguments.of("property_types", List.of("Residential"), "property_types"),
                Arguments.of("min_units", 0, "min_units"),
                Arguments.of("max_units", -1, "max_units"),
                Arguments.of("max_units", "lots", "max_units"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidProfiles")
    void invalidProfileNamesTheFieldAndChangesNothing(String field, Object value, String expectedField) {
        var provider = Api.register("provider");
        Profiles.save(provider.token(), Profiles.form("plumbing", "Austin", "TX", null));
        Map<String, Object> form = Profiles.form("roofing", "Dallas", "TX", null);
        form.put(field, value);
        given().auth().oauth2(provider.token()).contentType(ContentType.JSON).body(form)
                .put("/api/providers/me")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(expectedField));
        assertThat(database.count("SELECT count(*) FROM provider_profiles WHERE account_id = ? "
                + "AND categories = ARRAY['plumbing']", provider.id())).isEqualTo(1);
    }

    @Test
    void minAboveMaxIsRejected() {
        var provider = Api.register("provider");
        Map<String, Object> form = Profiles.form("plumbing", "Austin", "TX", null);
        form.put("min_units", 10);
        form.put("max_units", 2);
        given().auth().oauth2(provider.token()).contentType(ContentType.JSON).body(form)
                .put("/api/providers/me")
                .then().statusCode(400).body("errors.field", equalTo(List.of("max_units")));
        assertThat(database.count("SELECT count(*) FROM provider_profiles WHERE account_id = ?", provider.id()))
                .isZero();
    }
}
