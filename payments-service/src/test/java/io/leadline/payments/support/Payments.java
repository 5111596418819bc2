package io.leadline.payments.support;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Top-ups through the real API. */
public final class Payments {

    private Payments() {
    }

    /** A top-up paid in USD. */
    public static JsonPath topUp(long user, long credits, String provider) {
        return topUp(user, credits, provider, "USD");
    }

    public static JsonPath topUp(long user, long credits, String provider, String currency) {
        return given().header("Authorization", Users.bearer(user, "provider")).contentType(ContentType.JSON)
                .body(Map.of("amount", credits, "provider", provider, "currency", currency))
                .when().post("/api/wallet/top-ups")
                .then().statusCode(201).extract().jsonPath();
    }

    public static JsonPath payment(long user, long id) {
        return given().header("Authorization", Users.admin()).queryParam("size", 100).queryParam("customer_id", user)
                .when().get("/api/payments/transactions")
                .then().statusCode(200).extract().jsonPath()
                .setRootPath("items.find { it.id == " + id + " }");
    }

    public static long balance(long user) {
        return given().header("Authorization", Users.bearer(user, "provider")).when().get("/api/wallet")
                .then().statusCode(200).extract().jsonPath().getLong("balance");
    }
}
