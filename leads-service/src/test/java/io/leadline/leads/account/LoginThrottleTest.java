package io.leadline.leads.account;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Database;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Sign-in throttling with the default limits (5 failures per account, 30 per address, 15-minute
 * windows). The tests reach the service from loopback, a trusted proxy by default, so each names its
 * own client addresses with {@code X-Forwarded-For} and counts of one test never reach another.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class LoginThrottleTest {

    private static final int ACCOUNT_LIMIT = 5;
    private static final int ADDRESS_LIMIT = 30;
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Inject
    Database database;

    @Test
    void anAccountIsThrottledAfterTooManyFailuresEvenForTheRightPassword() {
        var user = Api.register("provider");
        for (int i = 0; i < ACCOUNT_LIMIT; i++) {
            signIn(user.username(), "wrong password " + i, newAddress()).statusCode(401);
        }
        // from yet another address, with the right password: refused without looking at it
        var refused = signIn(user.username(), user.password(), newAddress())
                .statusCode(429).contentType("application/problem+json")
                .body("status", equalTo(429))
                .body("detail", startsWith("too many failed sign-ins for this username"))
                .extract();
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 15 * 60);
        assertThat(refused.jsonPath().getString("detail")).endsWith("try again after " + retryAfter + " s");
        // the username in another case is the same account
        signIn(user.username().toUpperCase(), user.password(), newAddress()).statusCode(429);
    }

    @Test
    void guessesSentAllAtOnceGetNoMoreTriesThanOneAfterAnother() throws Exception {
        var user = Api.register("provider");
        int guesses = 40;
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < guesses; i++) {
                String guess = "guess " + i;
                String address = newAddress();
                answers.add(pool.submit(() -> {
                    start.await();
                    return signIn(user.username(), guess, address).extract().statusCode();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).as("passwords looked at").filteredOn(status -> status == 401).hasSize(ACCOUNT_LIMIT);
            assertThat(statuses).filteredOn(status -> status == 429).hasSize(guesses - ACCOUNT_LIMIT);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSuccessfulSignInResetsTheAccountsCount() {
        var user = Api.register("customer");
        for (int i = 0; i < ACCOUNT_LIMIT - 1; i++) {
            signIn(user.username(), "wrong password", newAddress()).statusCode(401);
        }
        signIn(user.username(), user.password(), newAddress()).statusCode(200);
        for (int i = 0; i < ACCOUNT_LIMIT - 1; i++) {
            signIn(user.username(), "wrong password", newAddress()).statusCode(401);
        }
        signIn(user.username(), user.password(), newAddress()).statusCode(200);
    }

    @Test
    void throttlingEndsWithItsWindow() {
        var user = Api.register("provider");
        for (int i = 0; i < ACCOUNT_LIMIT; i++) {
            signIn(user.username(), "wrong password", newAddress()).statusCode(401);
        }
        signIn(user.username(), user.password(), newAddress()).statusCode(429);
        // attempts while throttled do not count, so the window is not pushed back
        assertThat(database.text("SELECT failures FROM login_failures WHERE scope = 'account' AND subject = ?",
                user.username().toLowerCase())).isEqualTo(String.valueOf(ACCOUNT_LIMIT));

        // the window started 15 minutes ago: it has ended
        database.update("UPDATE login_failures SET window_started_at = window_started_at - interval '15 minutes' "
                + "WHERE scope = 'account' AND subject = ?", user.username().toLowerCase());
        signIn(user.username(), user.password(), newAddress()).statusCode(200);
    }

    @Test
    void unknownUsernamesAreThrottledLikeKnownOnes() {
        String nobody = Api.uniqueName("nobody");
        for (int i = 0; i < ACCOUNT_LIMIT; i++) {
            signIn(nobody, "whatever password", newAddress()).statusCode(401);
        }
        signIn(nobody, "whatever password", newAddress()).statusCode(429)
                .body("detail", startsWith("too many failed sign-ins for this username"));
    }

    @Test
    void anAddressIsThrottledAcrossAccountsAndOthersAreNot() {
        String address = newAddress();
        for (int i = 0; i < ADDRESS_LIMIT; i++) {
            signIn(Api.uniqueName("guess"), "guessed password", address).statusCode(401);
        }
        var user = Api.register("provider");
        int retryAfter = Integer.parseInt(signIn(user.username(), user.password(), address)
                .statusCode(429).contentType("application/problem+json")
                .body("detail", startsWith("too many failed sign-ins from this address"))
                .extract().header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 15 * 60);
        // the same user from elsewhere is fine, and that success does not clear the address's count
        signIn(user.username(), user.password(), newAddress()).statusCode(200);
        signIn(user.username(), user.password(), address).statusCode(429);
    }

    @Test
    void failuresAreCountedUnderTheForwardedAddressOfATrustedProxy() {
        String address = newAddress();
        signIn(Api.uniqueName("guess"), "guessed password", address).statusCode(401);
        assertThat(database.count("SELECT count(*) FROM login_failures WHERE scope = 'address' AND subject = ?",
                address)).isEqualTo(1);
    }

    /** A distinct documentation address (TEST-NET-3, RFC 5737) per call. */
    static String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "203.0." + (113 + n / 250) + "." + (1 + n % 250);
    }

    static ValidatableResponse signIn(String username, String password, String forwardedFor) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", forwardedFor)
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/token")
                .then();
    }
}
