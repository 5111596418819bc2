package io.leadline.leads.account;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Database;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
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

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class AuthTest {

    @Inject
    Database database;

    @Test
    void registerIssueTokenAndReadMe() {
        String username = Api.uniqueName("alice");
        JsonPath registered = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "correct horse battery", "role", "provider"))
                .post("/api/auth/register")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("username", equalTo(username))
                .body("role", equalTo("provider"))
                .extract().jsonPath();
        long id = registered.getLong("id");
        assertThat(registered.getMap("")).containsOnlyKeys("id", "username", "role");

        JsonPath issued = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "correct horse battery"))
                .post("/api/auth/token")
                .then().statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(3600))
                .extract().jsonPath();
        String token = issued.getString("access_token");

        JsonPath claims = claimsOf(token);
        assertThat(claims.getString("sub")).isEqualTo(Long.toString(id));
        assertThat(claims.getString("upn")).isEqualTo(username);
        assertThat(claims.getList("groups")).containsExactly("provider");
        assertThat(claims.getString("iss")).isEqualTo("https://leadline.local");
        assertThat(claims.getString("aud")).contains("leadline");
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(3600);
        assertThat(headerOf(token).getString("alg")).isEqualTo("RS256");

        given().auth().oauth2(token).get("/api/auth/me")
                .then().statusCode(200)
                .body("id", equalTo((int) id))
                .body("username", equalTo(username))
                .body("role", equalTo("provider"));
    }

    @Test
    void passwordsAreStoredAsBcryptHashes() {
        var user = Api.register("customer");
        assertThat(database.count("SELECT count(*) FROM accounts WHERE id = ? AND password_hash LIKE '$2%' "
                + "AND password_hash <> ?", user.id(), user.password())).isEqualTo(1);
    }

    @Test
    void everySelfServiceRoleCanRegister() {
        for (String role : new String[] {"provider", "property_manager", "customer"}) {
            var user = Api.register(role);
            given().auth().oauth2(user.token()).get("/api/auth/me").then().statusCode(200).body("role", equalTo(role));
        }
    }

    @Test
    void configuredAdminExistsAndCanSignIn() {
        String token = Api.adminToken();
        assertThat(claimsOf(token).getList("groups")).containsExactly("admin");
        given().auth().oauth2(token).get("/api/auth/me").then().statusCode(200)
                .body("role", equalTo("admin")).body("username", equalTo("admin"));
    }

    @Test
    void duplicateUsernameIsAConflictWhateverItsCase() {
        var user = Api.register("provider");
        long before = database.rows("accounts");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username().toUpperCase(), "password", "another password", "role", "customer"))
                .post("/api/auth/register")
                .then().statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409)).body("detail", startsWith("username"));
        assertThat(database.rows("accounts")).isEqualTo(before);
    }

    @Test
    void configuredAdminUsernameCannotBeRegistered() {
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "admin", "password", "sneaky password", "role", "customer"))
                .post("/api/auth/register")
                .then().statusCode(409).contentType("application/problem+json");
    }

    static Stream<Arguments> badRegistrations() {
        return Stream.of(
                Arguments.of("username", null),
                Arguments.of("username", ""),
                Arguments.of("username", "ab"),
                Arguments.of("username", "has space"),
                Arguments.of("username", "x".repeat(41)),
                Arguments.of("password", null),
                Arguments.of("password", "short"),
                Arguments.of("password", "p".repeat(73)),
                Arguments.of("role", null),
                Arguments.of("role", "admin"),
                Arguments.of("role", "ADMIN"),
                Arguments.of("role", "superuser"),
                Arguments.of("role", 42));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badRegistrations")
    void badRegistrationNamesTheFieldAndStoresNothing(String field, Object value) {
        Map<String, Object> body = new HashMap<>(Map.of("username", Api.uniqueName("bob"),
                "password", "a good password", "role", "provider"));
        body.put(field, value);
        long before = database.rows("accounts");
        given().contentType(ContentType.JSON).body(body)
                .post("/api/auth/register")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        assertThat(database.rows("accounts")).isEqualTo(before);
    }

    @Test
    void malformedOrMissingBodyIsAProblem() {
        given().contentType(ContentType.JSON).body("{\"username\": ")
                .post("/api/auth/register")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .post("/api/auth/register")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void wrongPasswordOrUnknownUserGetsNoToken() {
        var user = Api.register("customer");
        given().contentType(ContentType.JSON).body(Map.of("username", user.username(), "password", "not the password"))
                .post("/api/auth/token")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("username", "nobody-here", "password", "whatever123"))
                .post("/api/auth/token")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("username", user.username()))
                .post("/api/auth/token")
                .then().statusCode(400).body("errors.field", hasItem("password"));
    }

    @Test
    void meRequiresAValidToken() {
        given().get("/api/auth/me").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2("not-a-jwt").get("/api/auth/me").then().statusCode(401);
        given().auth().oauth2(TestTokens.forgedToken("1", "admin")).get("/api/auth/me").then().statusCode(401);
        given().auth().oauth2(TestTokens.expiredToken("1", "admin")).get("/api/auth/me").then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin-1", "0", "007"})
    void aTokenThatNamesNoAccountActsForNobodyEvenWithTheAdminRole(String subject) {
        long lead = Api.submitLead();
        given().auth().oauth2(TestTokens.token(subject, "admin")).post("/api/leads/{id}/verify", lead)
                .then().statusCode(401);
        given().auth().oauth2(TestTokens.token(subject, "provider")).get("/api/auth/me").then().statusCode(401);
    }

    static JsonPath claimsOf(String jwt) {
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    static JsonPath headerOf(String jwt) {
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8));
    }
}
