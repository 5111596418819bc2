package io.leadline.leads.claim;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.ChannelListener;
import io.leadline.leads.support.Database;
import io.leadline.leads.support.TestWallet;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class ClaimTest {

    @Inject
    Database database;

    @Test
    void claimChargesOnceAndRevealsTheContact() throws Exception {
        long leadId = Api.verifiedLead("plumbing");
        var provider = Api.register("provider");
        try (TestWallet wallet = TestWallet.start(); ChannelListener leads = ChannelListener.on(Channels.LEADS)) {
            wallet.fund(provider.id(), 100);
            String key = Api.claimKey();
            Response first = Api.claim(provider.token(), leadId, key);
            first.then().statusCode(201)
                    .body("lead_id", equalTo((int) leadId))
                    .body("status", equalTo("confirmed"))
                    .body("price", equalTo(25))
                    .body("new_balance", equalTo(75))
                    .body("contact.email", equalTo("jordan.carter@example.com"))
                    .body("contact.phone", equalTo("+1 (415) 555-0134"));

            Response again = Api.claim(provider.token(), leadId, key);
            again.then().statusCode(200);
            assertThat(again.asString()).isEqualTo(first.asString());
            assertThat(wallet.balance(provider.id())).isEqualTo(75);
            assertThat(wallet.debitCount(provider.id())).isEqualTo(1);

            long otherLead = Api.verifiedLead("plumbing");
            Api.claim(provider.token(), otherLead, key).then().statusCode(409).contentType("application/problem+json");
            assertThat(wallet.debitCount(provider.id())).isEqualTo(1);

            given().auth().oauth2(provider.token()).get("/api/leads/{id}", leadId)
                    .then().statusCode(200)
                    .body("contact.name", equalTo("Jordan Carter"))
                    .body("current_claims", equalTo(1));

            String marker = "\"lead_id\":\"" + leadId + "\"";
            await().atMost(Duration.ofSeconds(20)).until(() -> !leads.containing(marker).isEmpty());
            var claimed = JsonCodec.decodeEnvelope(leads.containing(marker).get(0).getBytes(StandardCharsets.UTF_8));
            assertThat(claimed.type()).isEqualTo("lead_claimed");
            assertThat(claimed.data().path("current_claims").asInt()).isEqualTo(1);
            assertThat(claimed.data().path("total_claims").asInt()).isEqualTo(3);
            assertThat(claimed.data().path("available").asBoolean()).isTrue();
            assertThat(claimed.data().path("competitive").asBoolean()).isFalse();
            assertThat(leads.containing(marker).get(0)).doesNotContain("jordan", "Jordan", "555-0134");
        }
    }

    @Test
    void secondClaimIsCompetitiveAndAlertsTheFirstClaimant() throws Exception {
        long leadId = Api.verifiedLead("plumbing");
        var first = Api.register("provider");
        var second = Api.register("property_manager");
        try (TestWallet wallet = TestWallet.start(); ChannelListener firstInbox = ChannelListener.on(Channels.user(first.id()))) {
            wallet.fund(first.id(), 100);
            wallet.fund(second.id(), 100);
            Api.claim(first.token(), leadId, Api.claimKey()).then().statusCode(201);
            Api.claim(second.token(), leadId, Api.claimKey()).then().statusCode(201);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !firstInbox.containing("\"reason\":\"competition\"").isEmpty());
            var alert = JsonCodec.decodeEnvelope(firstInbox.containing("\"reason\":\"competition\"").get(0)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(alert.type()).isEqualTo("lead_alert");
            assertThat(alert.data().path("current_claims").asInt()).isEqualTo(2);
        }
        assertThat(database.count("SELECT count(*) FROM outbox WHERE event_type = 'lead_claimed' AND payload LIKE ? "
                + "AND payload LIKE '%\"competitive\":true%'", "%\"lead_id\":\"" + leadId + "\"%")).isEqualTo(1);
        assertThat(database.count("SELECT count(*) FROM outbox WHERE subject = ? AND event_type = 'lead_alert'",
                "ch.leads.user." + second.id())).isZero();
    }

    @Test
    void aProviderClaimsALeadOnceAndAFullLeadNoMore() throws Exception {
        long leadId = Api.verifiedLead("property_management"); // max_claims 2
        var a = Api.register("provider");
        var b = Api.register("provider");
        var c = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            for (var user : List.of(a, b, c)) {
                wallet.fund(user.id(), 500);
            }
            Api.claim(a.token(), leadId, Api.claimKey()).then().statusCode(201);
            Api.claim(a.token(), leadId, Api.claimKey()).then().statusCode(409).contentType("application/problem+json")
                    .body("detail", equalTo("you have already claimed lead " + leadId));
            Api.claim(b.token(), leadId, Api.claimKey()).then().statusCode(201);
            Api.claim(c.token(), leadId, Api.claimKey()).then().statusCode(409).body("detail", equalTo("lead " + leadId + " is full"));
            assertThat(wallet.balance(a.id())).isEqualTo(450);
            assertThat(wallet.balance(c.id())).isEqualTo(500);
        }
        given().auth().oauth2(Api.adminToken()).get("/api/leads/{id}", leadId).then()
                .body("status", equalTo("full")).body("current_claims", equalTo(2)).body("available", equalTo(false));
    }

    @Test
    void concurrentClaimsNeverExceedTheMaximum() throws Exception {
        long leadId = Api.verifiedLead("property_management"); // max_claims 2
        List<Api.User> providers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            providers.add(Api.register("provider"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(providers.size());
        try (TestWallet wallet = TestWallet.start()) {
            providers.forEach(user -> wallet.fund(user.id(), 100));
            List<Callable<Integer>> attempts = providers.stream()
                    .<Callable<Integer>>map(user -> () -> Api.claim(user.token(), leadId, Api.claimKey()).statusCode()).toList();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : pool.invokeAll(attempts)) {
                statuses.add(result.get());
            }
            assertThat(statuses).filteredOn(status -> status == 201).hasSize(2);
            assertThat(statuses).filteredOn(status -> status == 409).hasSize(4);
            long charged = providers.stream().filter(user -> wallet.balance(user.id()) == 50).count();
            assertThat(charged).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'confirmed'", leadId))
                .isEqualTo(2);
        assertThat(database.count("SELECT claim_count FROM leads WHERE id = ?", leadId)).isEqualTo(2);
    }

    @Test
    void insufficientCreditsIs402AndChangesNothing() throws Exception {
        long leadId = Api.verifiedLead("roofing"); // price 40
        var provider = Api.register("provider");
        long outboxBefore = database.rows("outbox");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 39);
            Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(402).contentType("application/problem+json");
            assertThat(wallet.balance(provider.id())).isEqualTo(39);
            // after topping up, a new attempt goes through
            wallet.fund(provider.id(), 40);
            Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(201).body("new_balance", equalTo(0));
        }
        assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released'", leadId))
                .isEqualTo(1);
        assertThat(database.rows("outbox")).isEqualTo(outboxBefore + 1);
    }

    @Test
    void paymentTimeoutIs503RecordsNoClaimAndRefundsALateDebit() throws Exception {
        long leadId = Api.verifiedLead("hvac"); // price 30
        var provider = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            wallet.silence(provider.id()); // the debit is booked but its answer never arrives
            Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(503).contentType("application/problem+json");
            assertThat(wallet.balance(provider.id())).isEqualTo(70);
            assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'confirmed'",
                    leadId)).isZero();
            given().auth().oauth2(provider.token()).get("/api/leads/{id}", leadId)
                    .then().body("current_claims", equalTo(0)).body("contact", nullValue());

            wallet.unsilence(provider.id());
            await().atMost(Duration.ofSeconds(30)).until(() -> database.count(
                    "SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released'", leadId) == 1);
            assertThat(wallet.balance(provider.id())).isEqualTo(100);
            assertThat(wallet.creditCount(provider.id())).isEqualTo(1);
        }
    }

    @Test
    void anUnavailableOrUnknownAnswerMayHaveChargedSoTheClaimIsVoidedAndRefundedNotReleased() throws Exception {
        // "unavailable": the debit started and failed, possibly after its COMMIT went through
        for (String reason : List.of(WalletReply.UNAVAILABLE, "a_reason_from_a_newer_payments")) {
            long leadId = Api.verifiedLead("hvac"); // price 30
            var provider = Api.register("provider");
            try (TestWallet wallet = TestWallet.start()) {
                wallet.fund(provider.id(), 100);
                wallet.failNextDebit(provider.id(), reason, true);
                Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(503).contentType("application/problem+json");
                assertThat(wallet.balance(provider.id())).isEqualTo(70); // the money did go
                assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'confirmed'",
                        leadId)).isZero();

                await().atMost(Duration.ofSeconds(30)).until(() -> database.count(
                        "SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released'", leadId) == 1);
                assertThat(wallet.balance(provider.id())).as(reason).isEqualTo(100);
                assertThat(wallet.creditCount(provider.id())).isEqualTo(1);
                assertThat(database.text("SELECT outcome FROM claims WHERE lead_id = ?", leadId)).isEqualTo("refunded");
                String debitKey = wallet.debitKeys(provider.id()).get(0);
                assertThat(wallet.debitKeys(provider.id())).as("never asked to debit again").containsExactly(debitKey);
                assertThat(wallet.voidKeys(provider.id())).isNotEmpty().allMatch(debitKey::equals); // settled by its key
            }
        }
    }

    @Test
    void anUnknownOutcomeOfADebitNeverBookedIsVoidedWithoutAChargeOrARefund() throws Exception {
        long leadId = Api.verifiedLead("hvac"); // price 30
        var provider = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            // failed before its COMMIT: nothing booked, but leads cannot know that
            wallet.failNextDebit(provider.id(), WalletReply.UNAVAILABLE, false);
            Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(503)
                    .contentType("application/problem+json");

            await().atMost(Duration.ofSeconds(60)).until(() -> database.count(
                    "SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released'", leadId) == 1);
            assertThat(database.text("SELECT outcome FROM claims WHERE lead_id = ?", leadId)).isEqualTo("voided");
            assertThat(wallet.balance(provider.id())).isEqualTo(100);
            assertThat(wallet.debitCount(provider.id())).isZero();
            assertThat(wallet.creditCount(provider.id())).as("nothing to refund").isZero();
            String debitKey = wallet.debitKeys(provider.id()).get(0);
            assertThat(wallet.voidKeys(provider.id())).containsExactly(debitKey);
        }
    }

    @Test
    void busyMeansNotStartedSoTheSlotIsReleasedAtOnceAndARetryCharges() throws Exception {
        long leadId = Api.verifiedLead("hvac"); // price 30
        var provider = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            wallet.failNextDebit(provider.id(), WalletReply.BUSY, false);
            String key = Api.claimKey();
            Api.claim(provider.token(), leadId, key).then().statusCode(503).contentType("application/problem+json")
                    .body("detail", equalTo("payments are busy; nothing was claimed, try again"));
            assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released' "
                    + "AND outcome = 'busy'", leadId)).isEqualTo(1);
            assertThat(wallet.balance(provider.id())).isEqualTo(100);

            Api.claim(provider.token(), leadId, key).then().statusCode(201).body("new_balance", equalTo(70));
            assertThat(wallet.debitCount(provider.id())).isEqualTo(1);
        }
    }

    @Test
    void claimIdsHandedOutAgainNeverMeetTheDebitsOfForgottenClaims() throws Exception {
        long leadId = Api.verifiedLead("plumbing"); // price 25
        var provider = Api.register("provider");
        // the ids the next claims will get, as a database restored from an older backup hands them out again
        long next = database.count("SELECT nextval(pg_get_serial_sequence('claims', 'id'))") + 1;
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            for (long id = next; id < next + 50; id++) {
                wallet.remember("lead-claim-" + id, provider.id(), 25, "lead:0:claim:" + id);
            }
            Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(201).body("new_balance", equalTo(75));
            assertThat(wallet.balance(provider.id())).isEqualTo(75);
            assertThat(wallet.debitCount(provider.id())).isEqualTo(1);
            String paymentKey = database.text("SELECT payment_key::text FROM claims WHERE lead_id = ? AND account_id = ?",
                    leadId, provider.id());
            assertThat(paymentKey).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(wallet.debitKeys(provider.id())).containsExactly("lead-claim-" + paymentKey);
        }
    }

    @Test
    void claimsMadeBeforePaymentKeysKeepTheirIdBasedKeys() {
        Claim legacy = new Claim(42, 7, 9, "k", 25, ClaimStatus.VOIDING, null, null, null, null);
        assertThat(legacy.debitKey()).isEqualTo("lead-claim-42");
        assertThat(legacy.refundKey()).isEqualTo("lead-claim-42-refund");
        UUID paymentKey = UUID.randomUUID();
        Claim current = new Claim(42, 7, 9, "k", 25, ClaimStatus.PENDING, null, null, null, paymentKey);
        assertThat(current.debitKey()).isEqualTo("lead-claim-" + paymentKey);
        assertThat(current.refundKey()).isEqualTo("lead-claim-" + paymentKey + "-refund");
    }

    @Test
    void noPaymentsServiceIs503AndTheSlotIsReleasedAtOnce() {
        long leadId = Api.verifiedLead("painting");
        var provider = Api.register("provider");
        Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(503)
                .contentType("application/problem+json")
                .body("detail", equalTo("payments are unavailable; nothing was claimed, try again"));
        // released by the claim itself, not left voiding for the settler: nobody received the debit
        assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released' "
                + "AND outcome = 'no responders'", leadId)).isEqualTo(1);
        assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status <> 'released'", leadId))
                .isZero();
    }

    @Test
    void badClaimRequests() {
        long leadId = Api.verifiedLead("plumbing");
        var provider = Api.register("provider");
        given().auth().oauth2(provider.token()).post("/api/leads/{id}/claim", leadId)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("Idempotency-Key"));
        Api.claim(provider.token(), leadId, "short").then().statusCode(400)
                .body("errors[0].field", equalTo("Idempotency-Key"));
        Api.claim(Api.register("customer").token(), leadId, Api.claimKey()).then().statusCode(403);
        Api.claim(Api.adminToken(), leadId, Api.claimKey()).then().statusCode(403);
        given().header("Idempotency-Key", Api.claimKey()).post("/api/leads/{id}/claim", leadId).then().statusCode(401);
        Api.claim(provider.token(), 999_999_999L, Api.claimKey()).then().statusCode(404);
        long unverified = Api.submitLead();
        Api.claim(provider.token(), unverified, Api.claimKey()).then().statusCode(404);
        assertThat(database.count("SELECT count(*) FROM claims WHERE account_id = ?", provider.id())).isZero();
    }
}
