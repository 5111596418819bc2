package io.leadline.system;

import io.leadline.system.harness.Platform;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Wallet calls of payments-service's REST API, as the system tests use them. */
final class Wallets {

    private Wallets() {
    }

    /** POST /api/wallet/{userId}/grants as an admin; returns the new balance. */
    static long grant(Platform platform, String adminToken, String userId, long amount) {
        return given().baseUri(platform.payments().baseUri().toString()).auth().oauth2(adminToken)
                .contentType(ContentType.JSON).body(Map.of("amount", amount, "reason", "system test credits"))
                .when().post("/api/wallet/{userId}/grants", userId)
                .then().statusCode(201).extract().jsonPath().getLong("new_balance");
    }

    /** POST /api/wallet/{userId}/grants as an admin with an Idempotency-Key, whatever the answer. */
    static Response grant(Platform platform, String adminToken, String userId, long amount, String idempotencyKey) {
        return given().baseUri(platform.payments().baseUri().toString()).auth().oauth2(adminToken)
                .header("Idempotency-Key", idempotencyKey).contentType(ContentType.JSON)
                .body(Map.of("amount", amount, "reason", "system test credits"))
                .when().post("/api/wallet/{userId}/grants", userId);
    }

    /** GET /api/wallet: the caller's balance and most recent ledger entries. */
    static JsonPath wallet(Platform platform, String token) {
        return given().baseUri(platform.payments().baseUri().toString()).auth().oauth2(token)
                .when().get("/api/wallet")
                .then().statusCode(200).extract().jsonPath();
    }

    static long balance(Platform platform, String token) {
        return wallet(platform, token).getLong("balance");
    }
}
