package io.leadline.leads.support;

import io.restassured.http.ContentType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

public final class Profiles {

    private Profiles() {
    }

    public static Map<String, Object> form(String category, String city, String state, String zip) {
        Map<String, Object> area = new HashMap<>(Map.of("city", city, "state", state));
        if (zip != null) {
            area.put("zip", zip);
        }
        Map<String, Object> form = new HashMap<>();
        form.put("categories", List.of(category));
        form.put("service_areas", List.of(area));
        form.put("property_types", List.of("single_family"));
        form.put("min_units", 1);
        form.put("max_units", 4);
        return form;
    }

    public static void save(String token, Map<String, Object> form) {
        given().auth().oauth2(token).contentType(ContentType.JSON).body(form)
                .put("/api/providers/me").then().statusCode(200);
    }
}
