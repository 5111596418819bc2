package io.leadline.system;

import io.leadline.system.harness.Platform;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Lead calls of leads-service's REST API, as the system tests use them. */
final class Leads {

    static final String CONTACT_NAME = "Zelda Quibbleworth";
    static final String CONTACT_EMAIL = "zelda.quibbleworth@example.com";
    static final String CONTACT_PHONE = "+1 555 013 4477";

    private Leads() {
    }

    /** The public lead form, with contact details. */
    static Map<String, Object> form(String title) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("title", title);
        form.put("description", "The water heater in the basement has been leaking since Monday.");
        form.put("category", "plumbing");
        form.put("contact_name", CONTACT_NAME);
        form.put("contact_email", CONTACT_EMAIL);
        form.put("contact_phone", CONTACT_PHONE);
        form.put("city", "Austin");
        form.put("state", "TX");
        form.put("zip", "78701");
        form.put("property_type", "single_family");
        form.put("units", 1);
        form.put("urgency", "high");
        return form;
    }

    /** An anonymous POST /api/leads; returns the new lead's id. */
    static String submit(Platform platform, String title) {
        return given().baseUri(platform.leads().baseUri().toString()).contentType(ContentType.JSON)
                .body(form(title))
                .when().post("/api/leads")
                .then().statusCode(201).extract().jsonPath().getString("id");
    }

    /** The lead form in another category, city and state. */
    static Map<String, Object> form(String title, String category, String city, String state, String zip) {
        Map<String, Object> form = form(title);
        form.put("category", category);
        form.put("city", city);
        form.put("state", state);
        form.put("zip", zip);
        return form;
    }

    /** An anonymous POST /api/leads of this form; returns the new lead's id. */
    static String submit(Platform platform, Map<String, Object> form) {
        return given().baseUri(platform.leads().baseUri().toString()).contentType(ContentType.JSON)
                .body(form)
                .when().post("/api/leads")
                .then().statusCode(201).extract().jsonPath().getString("id");
    }

    /** PUT /api/providers/me: the provider takes these categories in one service area. */
    static void saveProfile(Platform platform, String token, List<String> categories, String city, String state,
            String zip) {
        Map<String, Object> area = new LinkedHashMap<>();
        area.put("city", city);
        area.put("state", state);
        area.put("zip", zip);
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("categories", categories);
        profile.put("service_areas", List.of(area));
        profile.put("property_types", List.of("single_family"));
        profile.put("min_units", 1);
        profile.put("max_units", 4);
        given().baseUri(platform.leads().baseUri().toString()).auth().oauth2(token).contentType(ContentType.JSON)
                .body(profile)
                .when().put("/api/providers/me")
                .then().statusCode(200);
    }

    /** POST /api/leads/{id}/claim with an Idempotency-Key, whatever the answer. */
    static Response claim(Platform platform, String token, String leadId, String idempotencyKey) {
        return given().baseUri(platform.leads().baseUri().toString()).auth().oauth2(token)
                .header("Idempotency-Key", idempotencyKey)
                .when().post("/api/leads/{id}/claim", leadId);
    }

    /** GET /api/leads/{id}, for example as an admin. */
    static JsonPath lead(Platform platform, String token, String leadId) {
        return given().baseUri(platform.leads().baseUri().toString()).auth().oauth2(token)
                .when().get("/api/leads/{id}", leadId)
                .then().statusCode(200).extract().jsonPath();
    }

    /** POST /api/leads/{id}/verify as an admin. */
    static void verify(Platform platform, String adminToken, String leadId) {
        given().baseUri(platform.leads().baseUri().toString()).auth().oauth2(adminToken)
                .when().post("/api/leads/{id}/verify", leadId)
                .then().statusCode(200);
    }
}
