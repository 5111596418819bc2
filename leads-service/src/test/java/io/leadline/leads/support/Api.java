package io.leadline.leads.support;

import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.response.Response;

import static io.restassured.RestAssured.given;

/** Calls through the public API, the way a client would, to set up what a test needs. */
public final class Api {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Api() {
    }

    public record User(long id, String username, String password, String role, String token) {
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    public static User register(String role) {
        String username = uniqueName(role.replace('_', '-'));
        String password = "pw-" + UUID.randomUUID();
        long id = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password, "role", role))
                .post("/api/auth/register")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        return new User(id, username, password, role, token(username, password));
    }

    public static String token(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/token")
                .then().statusCode(200).extract().jsonPath().getString("access_token");
    }

    public static String adminToken() {
        var config = ConfigProvider.getConfig();
        return token(config.getValue("leadline.admin.username", String.class),
                config.getValue("leadline.admin.password", String.class));
    }

    /** A lead form every validator accepts; tests change one field at a time. */
    public static Map<String, Object> validLeadForm() {
        Map<String, Object> form = new HashMap<>();
        form.put("title", "Leaking water heater in basement");
        form.put("description", "The 40 gallon water heater is leaking from the bottom and needs replacing.");
        form.put("category", "plumbing");
        form.put("contact_name", "Jordan Carter");
        form.put("contact_email", "jordan.carter@example.com");
        form.put("contact_phone", "+1 (415) 555-0134");
        form.put("city", "San Francisco");
        form.put("state", "CA");
        form.put("zip", "94110");
        form.put("property_type", "single_family");
        form.put("units", 1);
        form.put("urgency", "high");
        return form;
    }

    public static long submitLead(Map<String, Object> form) {
        return given().contentType(ContentType.JSON).body(form)
                .post("/api/leads")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long submitLead() {
        return submitLead(validLeadForm());
    }

    public static void verify(long leadId) {
        given().auth().oauth2(adminToken()).post("/api/leads/{id}/verify", leadId).then().statusCode(200);
    }

    /** POST /api/leads/{id}/claim with an Idempotency-Key. */
    public static Response claim(String token, long leadId, String key) {
        return given().auth().oauth2(token).header("Idempotency-Key", key).post("/api/leads/{id}/claim", leadId);
    }

    public static String claimKey() {
        return "claim-" + UUID.randomUUID();
    }

    /** A lead of {@code category}, submitted and verified by the admin. */
    public static long verifiedLead(String category) {
        Map<String, Object> form = validLeadForm();
        form.put("category", category);
        long id = submitLead(form);
        verify(id);
        return id;
    }
}
