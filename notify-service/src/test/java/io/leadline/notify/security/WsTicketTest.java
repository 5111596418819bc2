package io.leadline.notify.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.TestDatabase;
import io.leadline.notify.WsTestClient;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/ws-tickets} and {@code /ws?ticket=}: a ticket opens one socket for the user of the
 * token it was issued for, within its lifetime, once; anything else is refused with 401 and no socket.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class WsTicketTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(16_000);

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aTicketOpensOneSocketForItsUserWithItsRoleAndTokenExpiryThenIsUsedUp() {
        String user = nextUser();
        Instant expiry = Instant.now().plus(Duration.ofMinutes(20));
        String token = TestTokens.token(user, "admin", Duration.ofMinutes(20));
        Response answer = issue(token);
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        String ticket = answer.jsonPath().getString("ticket");
        assertThat(ticket).hasSizeGreaterThanOrEqualTo(43).doesNotContain(token);
        assertThat(answer.jsonPath().getLong("expires_in")).isBetween(1L, 30L);

        try (WsTestClient client = WsTestClient.withTicket(ws, ticket)) {
            JsonNode connected = client.awaitType("connected", WAIT);
            assertThat(connected.path("user_id").asText()).isEqualTo(user);
            assertThat(connected.path("token_expires_at").asLong())
                    .as("the socket ends with the token the ticket was issued for")
                    .isBetween(expiry.getEpochSecond() - 60, expiry.getEpochSecond() + 1);
            client.send(Map.of("type", "subscribe", "channel", "payments.monitor", "id", "admin-only"));
            assertThat(client.awaitType("subscribed", WAIT).path("id").asText()).isEqualTo("admin-only");
        }
        assertThat(WsTestClient.upgradeStatus(WsTestClient.withQuery(ws, "ticket", ticket), null, null))
                .as("the same ticket again").isEqualTo(401);
    }

    @Test
    void unknownAndExpiredTicketsAreRefusedWith401() throws Exception {
        assertThat(WsTestClient.upgradeStatus(WsTestClient.withQuery(ws, "ticket", "not-a-ticket"), null, null))
                .isEqualTo(401);
        String user = nextUser();
        String ticket = issue(TestTokens.token(user, "provider")).jsonPath().getString("ticket");
        try (Connection connection = TestDatabase.connect();
                PreparedStatement expire = connection.prepareStatement(
                        "UPDATE ws_tickets SET expires_at = now() - INTERVAL '1 second' WHERE user_id = ?")) {
            expire.setString(1, user);
            assertThat(expire.executeUpdate()).isEqualTo(1);
        }
        assertThat(WsTestClient.upgradeStatus(WsTestClient.withQuery(ws, "ticket", ticket), null, null))
                .as("expired").isEqualTo(401);
    }

    @Test
    void twoUpgradesRacingWithOneTicketOpenOneSocket() {
        String ticket = issue(TestTokens.token(nextUser(), "provider")).jsonPath().getString("ticket");
        URI uri = WsTestClient.withQuery(ws, "ticket", ticket);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> upgrades = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                start.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return WsTestClient.upgradeStatus(uri, null, null);
        })).toList();
        start.countDown();
        assertThat(upgrades.stream().map(CompletableFuture::join).sorted().toList()).containsExactly(101, 401);
    }

    @Test
    void theTicketEndpointWantsAValidTokenAndATicketAuthenticatesNoRestCall() {
        given().baseUri(base.toString()).when().post("/api/ws-tickets").then().statusCode(401);
        String user = nextUser();
        assertThat(issue(TestTokens.forgedToken(user, "provider")).statusCode()).isEqualTo(401);
        assertThat(issue(TestTokens.expiredToken(user, "provider")).statusCode()).isEqualTo(401);

        String ticket = issue(TestTokens.token(user, "provider")).jsonPath().getString("ticket");
        given().baseUri(base.toString()).queryParam("ticket", ticket).when().get("/api/notifications")
                .then().statusCode(401);
        // not even dressed up as an upgrade
        given().baseUri(base.toString()).header("Upgrade", "websocket").header("Connection", "Upgrade")
                .queryParam("ticket", ticket).when().get("/api/notifications").then().statusCode(401);
        // the REST call did not use it up: it still opens its one socket
        try (WsTestClient client = WsTestClient.withTicket(ws, ticket)) {
            assertThat(client.awaitType("connected", WAIT).path("user_id").asText()).isEqualTo(user);
        }
    }

    @Test
    void aTicketNeverOutlivesItsToken() {
        Response answer = issue(TestTokens.token(nextUser(), "provider", Duration.ofSeconds(8)));
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.jsonPath().getLong("expires_in")).isLessThanOrEqualTo(8);
    }

    @Test
    void aSocketOpenedWithATicketRefreshesItsTokenInBand() {
        String user = nextUser();
        String ticket = issue(TestTokens.token(user, "provider", Duration.ofMinutes(5))).jsonPath().getString("ticket");
        try (WsTestClient client = WsTestClient.withTicket(ws, ticket)) {
            long first = client.awaitType("connected", WAIT).path("token_expires_at").asLong();
            client.send(Map.of("type", "refresh", "token", TestTokens.token(user, "provider", Duration.ofHours(2)), "id", "r1"));
            assertThat(client.awaitType("refreshed", WAIT).path("token_expires_at").asLong()).isGreaterThan(first);
            client.send(Map.of("type", "refresh", "token", TestTokens.token(nextUser(), "provider"), "id", "r2"));
            JsonNode refused = client.awaitType("error", WAIT);
            assertThat(refused.path("code").asText()).isEqualTo("token_invalid");
            assertThat(refused.path("ref").asText()).isEqualTo("r2");
        }
    }

    private Response issue(String token) {
        return given().baseUri(base.toString()).header("Authorization", "Bearer " + token)
                .when().post("/api/ws-tickets").then().extract().response();
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }
}
