package io.leadline.system;

import io.leadline.system.harness.Platform;
import io.restassured.http.ContentType;

import java.util.LinkedHashMap;
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

    /** POST /api/leads/{id}/verify as an admin. */
    static void verify(Platform platform, String adminToken, String leadId) {
        given().baseUri(platform.leads().baseUri().toString()).auth().oauth2(adminToken)
                .when().post("/api/leads/{id}/verify", leadId)
                .then().statusCode(200);
    }
}
