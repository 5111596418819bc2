package io.leadline.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.TestSocket;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Payments across the real payments-service and the gateway: signed provider webhooks complete
 * top-ups and reach the owner's socket, replays change nothing, forged or stale ones are refused
 * and summed up on the admin monitor (one summary per interval, never one frame per request); an
 * escrow's lifecycle reaches its parties on {@code escrow.{id}}, and an escrow names only a seller
 * that leads-service knows.
 */
class PaymentsIT {

    /** Across services (REST, outbox, NATS, gateway) on a possibly loaded machine: generous. */
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger REFS = new AtomicInteger();

    private static Platform platform;
    private static String adminToken;
    private static TestSocket monitor;

    @BeforeAll
    static void startPlatform() {
        // refused webhooks are summed up once per interval: 1 s here instead of a minute
        platform = Platform.start(PaymentsIT.class, p -> p.payments()
                .property("leadline.payments.webhook.rejection-report-interval", "1s"));
        adminToken = platform.adminToken();
        monitor = TestSocket.connect(platform.notifyService().wsUri("/ws"), adminToken);
        monitor.awaitType("connected", FRAME_TIMEOUT);
        monitor.sendJson(Map.of("type", "subscribe", "channel", "payments.monitor", "id", "monitor"));
        monitor.awaitFrame(json -> "subscribed".equals(json.path("type").asText()), FRAME_TIMEOUT);
    }

    @AfterAll
    static void stopPlatform() {
        if (monitor != null) {
            monitor.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aSignedStripeWebhookCompletesATopUpOnceAndForgedOrStaleOnesAreRefused() {
        Platform.User provider = platform.register("provider");
        try (TestSocket owner = connected(provider)) {
            String reference = topUp(provider, 50, "stripe");
            assertThat(reference).startsWith("pi_");
            String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
            String body = Payments.stripeSucceeded(eventId, reference, 5000);
            long now = Instant.now().getEpochSecond();

            // forged first: refused and counted, not stored, and it does not use up the genuine event's id
            String forged = "t=" + now + ",v1=" + Payments.hex(Payments.hmac("not-the-secret", now + "." + body));
            stripe(body, forged).statusCode(400).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("does not match"));
            // a genuine signature, but from 10 minutes ago: outside the 5-minute tolerance
            String staleId = "evt_stale_" + REFS.incrementAndGet();
            String staleBody = Payments.stripeSucceeded(staleId, reference, 5000);
            stripe(staleBody, Payments.stripeSignature(now - 600, staleBody)).statusCode(400)
                    .body("detail", org.hamcrest.Matchers.containsString("tolerance"));
            awaitRefusalSummary("stripe");
            assertThat(Wallets.balance(platform, provider.token())).isZero();

            // signed now, whatever time the waits above took: inside the tolerance however slow the machine
            stripe(body, Payments.stripeSignature(Instant.now().getEpochSecond(), body)).statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("processed"));
            JsonNode updated = owner.awaitFrame(balanceUpdated(reference), FRAME_TIMEOUT).json();
            assertThat(updated.path("channel").asText()).isEqualTo("user." + provider.id());
            assertThat(updated.path("data").path("new_balance").asLong()).isEqualTo(50);
            assertThat(updated.path("data").path("previous_balance").asLong()).isZero();
            assertThat(updated.path("data").path("change").asLong()).isEqualTo(50);
            monitor.awaitFrame(webhook("webhook_processed", "stripe", eventId), FRAME_TIMEOUT);

            // the provider delivers the same event again: acknowledged, nothing changes
            stripe(body, Payments.stripeSignature(Instant.now().getEpochSecond(), body)).statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("duplicate"));
            assertWalletAfterOneTopUp(provider, owner, reference, 50);
        }
    }

    @Test
    void aSignedRazorpayWebhookCompletesATopUpOnceAndAForgedOneIsRefused() {
        Platform.User provider = platform.register("provider");
        try (TestSocket owner = connected(provider)) {
            String reference = topUp(provider, 30, "razorpay");
            assertThat(reference).startsWith("pay_");
            String eventId = "rzp_evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
            String body = "{\"entity\":\"event\",\"event\":\"payment.captured\",\"contains\":[\"payment\"],"
                    + "\"payload\":{\"payment\":{\"entity\":{\"id\":\"" + reference + "\",\"amount\":3000,"
                    + "\"currency\":\"USD\",\"status\":\"captured\"}}},\"created_at\":" + Instant.now().getEpochSecond() + "}";

            razorpay(body, eventId, Payments.hex(Payments.hmac("not-the-secret", body))).statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("does not match"));
            awaitRefusalSummary("razorpay");
            // Razorpay signs the body only (no timestamp): a tampered body is refused the same way
            String tampered = body.replace("3000", "300000");
            razorpay(tampered, eventId, Payments.razorpaySignature(body)).statusCode(400);
            assertThat(Wallets.balance(platform, provider.token())).isZero();

            razorpay(body, eventId, Payments.razorpaySignature(body)).statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("processed"));
            JsonNode updated = owner.awaitFrame(balanceUpdated(reference), FRAME_TIMEOUT).json();
            assertThat(updated.path("data").path("new_balance").asLong()).isEqualTo(30);
            assertThat(updated.path("data").path("change").asLong()).isEqualTo(30);
            // Razorpay's event id header is not signed: the event is known by its payload's own ids
            monitor.awaitFrame(webhook("webhook_processed", "razorpay", "payment.captured:" + reference), FRAME_TIMEOUT);

            razorpay(body, "rzp_evt_other", Payments.razorpaySignature(body)).statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("duplicate"));
            assertWalletAfterOneTopUp(provider, owner, reference, 30);
        }
    }

    @Test
    void anEscrowGoesFromInitiatedToHeldToReleasedWithItsEventsInOrderOnItsChannel() {
        Platform.User buyer = platform.register("customer");
        Platform.User seller = platform.register("provider");
        Platform.User stranger = platform.register("customer");
        JsonPath created = given().baseUri(payments()).auth().oauth2(buyer.token()).contentType(ContentType.JSON)
                .body(Map.of("seller_id", Long.parseLong(seller.id()), "amount", "40.00", "currency", "USD",
                        "description", "Deposit for the kitchen remodel"))
                .when().post("/api/escrows")
                .then().statusCode(201).extract().jsonPath();
        long escrowId = created.getLong("id");
        String channel = "escrow." + escrowId;
        assertThat(created.getString("status")).isEqualTo("INITIATED");
        String reference = created.getString("payment.provider_reference");

        try (TestSocket buyerSocket = connected(buyer); TestSocket strangerSocket = connected(stranger)) {
            // the gateway learns the parties from the escrow-parties bucket, maybe a moment after the 201
            AtomicInteger attempt = new AtomicInteger();
            await("the buyer's subscription to " + channel).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        String ref = "sub-" + attempt.incrementAndGet();
                        buyerSocket.sendJson(Map.of("type", "subscribe", "channel", channel, "since", 0, "id", ref));
                        JsonNode answer = buyerSocket.awaitFrame(json -> ref.equals(json.path("id").asText())
                                || ref.equals(json.path("ref").asText()), FRAME_TIMEOUT).json();
                        return "subscribed".equals(answer.path("type").asText());
                    });
            strangerSocket.sendJson(Map.of("type", "subscribe", "channel", channel, "id", "nosy"));
            JsonNode refused = strangerSocket.awaitFrame(json -> "nosy".equals(json.path("ref").asText())
                    || "nosy".equals(json.path("id").asText()), FRAME_TIMEOUT).json();
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(strangerSocket.isOpen()).isTrue();

            // not paid yet: releasing is illegal and changes nothing
            escrowAction(escrowId, "release", buyer.token()).statusCode(409).contentType("application/problem+json");
            assertThat(escrow(escrowId, buyer.token()).getString("status")).isEqualTo("INITIATED");

            String body = Payments.stripeSucceeded("evt_escrow_" + escrowId, reference, 4000);
            stripe(body, Payments.stripeSignature(Instant.now().getEpochSecond(), body)).statusCode(200);
            await().atMost(FRAME_TIMEOUT).until(() -> "HELD".equals(escrow(escrowId, seller.token()).getString("status")));
            escrowAction(escrowId, "release", buyer.token()).statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("RELEASED"));

            // the release commits its events together; wait for each of them
            buyerSocket.awaitFrame(json -> "status_change".equals(json.path("type").asText())
                    && "RELEASED".equals(json.path("data").path("new_status").asText()), FRAME_TIMEOUT);
            buyerSocket.awaitFrame(json -> "escrow_update".equals(json.path("type").asText())
                    && "released".equals(json.path("data").path("event_type").asText()), FRAME_TIMEOUT);
            List<JsonNode> events = buyerSocket.frames().stream().map(TestSocket.Frame::json)
                    .filter(json -> json != null && channel.equals(json.path("channel").asText())
                            && json.has("data")).toList();
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).path("seq").asLong()).as("seq order of %s", buyerSocket.rawFrames())
                        .isGreaterThan(events.get(i - 1).path("seq").asLong());
            }
            assertThat(ofType(events, "escrow_update")).extracting(json -> json.path("data").path("event_type").asText())
                    .containsExactly("created", "held", "released");
            assertThat(ofType(events, "status_change")).extracting(json -> json.path("data").path("old_status").asText()
                    + "->" + json.path("data").path("new_status").asText())
                    .containsExactly("INITIATED->HELD", "HELD->RELEASED");
            assertThat(ofType(events, "payment_status")).extracting(json -> json.path("data").path("status").asText())
                    .containsExactly("pending", "captured");
            assertThat(events).allSatisfy(json ->
                    assertThat(json.path("data").path("escrow_id").asText()).isEqualTo(String.valueOf(escrowId)));
            // every event of the HELD step comes before the RELEASED step's
            int held = indexOf(events, "status_change", "new_status", "HELD");
            int captured = indexOf(events, "payment_status", "status", "captured");
            int released = indexOf(events, "status_change", "new_status", "RELEASED");
            assertThat(indexOf(events, "escrow_update", "event_type", "created")).isLessThan(held).isLessThan(captured);
            assertThat(held).isLessThan(released);
            assertThat(captured).isLessThan(released);
            assertThat(indexOf(events, "escrow_update", "event_type", "held")).isLessThan(released);
            assertThat(strangerSocket.rawFrames()).noneMatch(raw -> raw.contains("\"channel\":\"" + channel + "\""));
        }
    }

    @Test
    void anEscrowNamingASellerLeadsServiceDoesNotKnowIsRefusedAndNothingIsStored() {
        Platform.User buyer = platform.register("customer");
        given().baseUri(payments()).auth().oauth2(buyer.token()).contentType(ContentType.JSON)
                .body(Map.of("seller_id", 987_654_321_987L, "amount", "40.00", "currency", "USD",
                        "description", "Deposit to nobody"))
                .when().post("/api/escrows")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("seller_id"));
        given().baseUri(payments()).auth().oauth2(adminToken).queryParam("customer_id", buyer.id())
                .when().get("/api/payments/transactions")
                .then().statusCode(200).body("total", org.hamcrest.Matchers.equalTo(0));
    }

    // ---------------------------------------------------------------------------------------------

    private static void assertWalletAfterOneTopUp(Platform.User provider, TestSocket owner, String reference,
            long credits) {
        // a later change of the same wallet: any second balance_updated of the top-up would have come before it
        Wallets.grant(platform, adminToken, provider.id(), 1);
        JsonNode next = owner.awaitFrame(json -> "balance_updated".equals(json.path("type").asText())
                && json.path("data").path("change").asLong() == 1, FRAME_TIMEOUT).json();
        assertThat(next.path("data").path("previous_balance").asLong()).isEqualTo(credits);
        assertThat(owner.count(balanceUpdated(reference))).isEqualTo(1);
        JsonPath wallet = Wallets.wallet(platform, provider.token());
        assertThat(wallet.getLong("balance")).isEqualTo(credits + 1);
        assertThat(wallet.getList("entries.findAll { it.kind == 'top_up' }")).hasSize(1);
    }

    /** The periodic summary of refused webhook requests, naming the provider, as the admin dashboard gets it. */
    private static void awaitRefusalSummary(String provider) {
        JsonNode summary = monitor.awaitFrame(json -> "webhook_failed".equals(json.path("type").asText())
                && "signature_rejected".equals(json.path("data").path("type").asText())
                && json.path("data").path("provider").asText().contains(provider), FRAME_TIMEOUT).json();
        assertThat(summary.path("channel").asText()).isEqualTo("payments.monitor");
        assertThat(summary.path("data").path("status").asText()).isEqualTo("rejected");
        assertThat(summary.path("data").path("count").asLong()).isPositive();
    }

    private static Predicate<JsonNode> webhook(String type, String provider, String eventId) {
        return json -> type.equals(json.path("type").asText())
                && provider.equals(json.path("data").path("provider").asText())
                && eventId.equals(json.path("data").path("event_id").asText());
    }

    private static Predicate<JsonNode> balanceUpdated(String reference) {
        return json -> "balance_updated".equals(json.path("type").asText())
                && json.path("data").path("reference").asText().contains(reference)
                || "balance_updated".equals(json.path("type").asText())
                && json.path("data").path("reason").asText().contains(reference);
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(json -> type.equals(json.path("type").asText())).toList();
    }

    private static int indexOf(List<JsonNode> events, String type, String field, String value) {
        for (int i = 0; i < events.size(); i++) {
            JsonNode json = events.get(i);
            if (type.equals(json.path("type").asText()) && value.equals(json.path("data").path(field).asText())) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " with " + field + "=" + value + " in " + events);
    }

    private static String topUp(Platform.User user, long credits, String provider) {
        return Payments.topUp(platform, user.token(), credits, provider).getString("provider_reference");
    }

    private static ValidatableResponse stripe(String body, String signature) {
        return Payments.stripe(platform, body, signature);
    }

    private static JsonPath escrow(long id, String token) {
        return given().baseUri(payments()).auth().oauth2(token)
                .when().get("/api/escrows/{id}", id)
                .then().statusCode(200).extract().jsonPath();
    }

    private static ValidatableResponse escrowAction(long id, String action, String token) {
        return given().baseUri(payments()).auth().oauth2(token)
                .when().post("/api/escrows/{id}/" + action, id).then();
    }

    private static ValidatableResponse razorpay(String body, String eventId, String signature) {
        return given().baseUri(payments()).header("X-Razorpay-Signature", signature)
                .header("X-Razorpay-Event-Id", eventId)
                .contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/webhooks/razorpay").then();
    }

    private static TestSocket connected(Platform.User user) {
        TestSocket socket = TestSocket.connect(platform.notifyService().wsUri("/ws"), user.token());
        socket.awaitType("connected", FRAME_TIMEOUT);
        return socket;
    }

    private static String payments() {
        return platform.payments().baseUri().toString();
    }
}
