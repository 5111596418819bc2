package io.leadline.notify.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadline.notify.TestBus;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code POST /broadcasting/auth} and {@code /api/broadcasting/auth}: the server decides, signs with the app
 * secret of the test profile, and writes presence channel data itself.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class BroadcastingAuthResourceTest {

    private static final String KEY = "leadline-key";
    private static final String SECRET = "leadline-dev-secret";
    private static final String SOCKET = "1234.5678";
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() * 1000);

    private static String newUser() {
        return Long.toString(IDS.incrementAndGet());
    }

    @Test
    void ownUserChannelByFormAndByJsonOnBothPaths() {
        String user = newUser();
        String token = TestTokens.token(user, "provider");
        String channel = "private-user." + user;
        String expected = KEY + ":" + hmac(SOCKET + ":" + channel);
        for (String path : new String[] {"/broadcasting/auth", "/api/broadcasting/auth"}) {
            given().auth().oauth2(token).formParam("socket_id", SOCKET).formParam("channel_name", channel)
                    .post(path).then().statusCode(200).body("auth", equalTo(expected))
                    .body("channel_data", org.hamcrest.Matchers.nullValue());
            given().auth().oauth2(token).contentType("application/json")
                    .body(Map.of("socket_id", SOCKET, "channel_name", channel))
                    .post(path).then().statusCode(200).body("auth", equalTo(expected));
        }
    }

    @Test
    void propertyManagerChannelIsTheUsersOwn() {
        String user = newUser();
        String channel = "private-property-manager." + user;
        form(TestTokens.token(user, "property_manager"), SOCKET, channel).statusCode(200)
                .body("auth", equalTo(KEY + ":" + hmac(SOCKET + ":" + channel)));
        refused(form(TestTokens.token(newUser(), "property_manager"), SOCKET, channel), 403, "not allowed");
        refused(form(TestTokens.token(newUser(), "admin"), SOCKET, channel), 403, "not allowed");
    }

    @Test
    void leadPresenceWritesTheMemberFromTheToken() throws Exception {
        String user = newUser();
        String channel = "presence-lead.77";
        JsonNode answer = new ObjectMapper().readTree(given().auth().oauth2(TestTokens.token(user, "provider"))
                .contentType("application/json")
                .body(Map.of("socket_id", SOCKET, "channel_name", channel,
                        "channel_data", "{\"user_id\":\"1\",\"user_info\":{\"name\":\"admin\",\"role\":\"admin\"}}"))
                .post("/broadcasting/auth").then().statusCode(200).extract().asString());
        String channelData = answer.path("channel_data").asText();
        JsonNode member = new ObjectMapper().readTree(channelData);
        assertThat(member.path("user_id").asText()).isEqualTo(user);
        assertThat(member.path("user_info").path("role").asText()).isEqualTo("provider");
        assertThat(member.path("user_info").path("name").asText()).isEqualTo("user-" + user);
        assertThat(answer.path("auth").asText()).isEqualTo(KEY + ":" + hmac(SOCKET + ":" + channel + ":" + channelData));

        form(TestTokens.token(newUser(), "property_manager"), SOCKET, channel).statusCode(200);
        form(TestTokens.token(newUser(), "admin"), SOCKET, channel).statusCode(200);
        refused(form(TestTokens.token(newUser(), "customer"), SOCKET, channel), 403, "not allowed");
    }

    @Test
    void escrowOfAMomentAgoIsAuthorizedForItsParties() throws Exception {
        String buyer = newUser();
        String seller = newUser();
        String escrow = "esc-" + newUser();
        TestBus.putParties(escrow, buyer, seller);
        // the watch may not have brought it yet: the endpoint reads the bucket once
        form(TestTokens.token(buyer, "customer"), SOCKET, "private-escrow." + escrow).statusCode(200);
        form(TestTokens.token(seller, "provider"), SOCKET, "private-escrow." + escrow).statusCode(200);
        refused(form(TestTokens.token(newUser(), "provider"), SOCKET, "private-escrow." + escrow), 403, "not allowed");
        refused(form(TestTokens.token(buyer, "customer"), SOCKET, "private-escrow.never-" + newUser()), 403, "not allowed");
    }

    @Test
    void refusals() {
        String user = newUser();
        String token = TestTokens.token(user, "provider");
        refused(form(token, SOCKET, "private-user." + newUser()), 403, "not allowed");
        refused(form(token, SOCKET, "private-payments.monitor"), 403, "not allowed");
        refused(form(token, SOCKET, "private-foo"), 403, "unknown channel");
        refused(form(token, SOCKET, "presence-room"), 403, "unknown channel");
        refused(form(token, SOCKET, "news"), 400, "channel_name").body("errors[0].field", equalTo("channel_name"));
        refused(form(token, SOCKET, "bad name"), 400, "channel_name").body("errors[0].field", equalTo("channel_name"));
        refused(form(token, SOCKET, ""), 400, "channel_name");
        for (String socket : new String[] {"", "1234", "a.b", "1.2.3"}) {
            refused(form(token, socket, "private-user." + user), 400, "socket_id")
                    .body("errors[0].field", equalTo("socket_id"));
        }
        refused(given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("socket_id", 12, "channel_name", "private-user." + user))
                .post("/broadcasting/auth").then(), 400, "socket_id");
        refused(given().auth().oauth2(token).contentType("application/json").body("[]")
                .post("/broadcasting/auth").then(), 400, "");
    }

    @Test
    void withoutAValidTokenItIs401() {
        String user = newUser();
        given().formParam("socket_id", SOCKET).formParam("channel_name", "private-user." + user)
                .post("/broadcasting/auth").then().statusCode(401);
        form(TestTokens.expiredToken(user, "provider"), SOCKET, "private-user." + user).statusCode(401);
        form(TestTokens.forgedToken(user, "provider"), SOCKET, "private-user." + user).statusCode(401);
    }

    private static ValidatableResponse form(String token, String socket, String channel) {
        return given().auth().oauth2(token).formParam("socket_id", socket).formParam("channel_name", channel)
                .post("/broadcasting/auth").then();
    }

    private static ValidatableResponse refused(ValidatableResponse response, int status, String detail) {
        return response.statusCode(status).contentType("application/problem+json").body("detail", containsString(detail));
    }

    /** An implementation of the signature independent of PusherSignatures. */
    private static String hmac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
