package io.leadline.leads.lead;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.Database;
import io.leadline.leads.support.TestWallet;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The ends of a lead's life: closed by an admin, expired by age; neither can be claimed. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class LeadLifecycleTest {

    @Inject
    Database database;

    @Test
    void anAdminClosesVerifiedDistributedAndFullLeads() throws Exception {
        long verified = Api.verifiedLead("plumbing");
        close(Api.adminToken(), verified).then().statusCode(200)
                .body("id", equalTo((int) verified)).body("status", equalTo("closed"));

        long distributed = Api.verifiedLead("plumbing");
        database.update("UPDATE leads SET status = 'distributed' WHERE id = ?", distributed); // whatever matched
        close(Api.adminToken(), distributed).then().statusCode(200).body("status", equalTo("closed"));

        long full = Api.verifiedLead("property_management"); // max_claims 2
        var a = Api.register("provider");
        var b = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(a.id(), 100);
            wallet.fund(b.id(), 100);
            Api.claim(a.token(), full, Api.claimKey()).then().statusCode(201);
            Api.claim(b.token(), full, Api.claimKey()).then().statusCode(201);
        }
        close(Api.adminToken(), full).then().statusCode(200).body("status", equalTo("closed"))
                .body("current_claims", equalTo(2));

        assertThat(database.count("SELECT count(*) FROM leads WHERE id IN (?, ?, ?) AND status = 'closed'",
                verified, distributed, full)).isEqualTo(3);
        assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'confirmed'", full))
                .isEqualTo(2);
        // a closed lead leaves the marketplace
        given().auth().oauth2(Api.register("provider").token()).get("/api/leads/{id}", verified)
                .then().statusCode(404);
    }

    @Test
    void closingIsRefusedForNewExpiredAndClosedLeadsUnknownIdsAndNonAdmins() {
        long fresh = Api.submitLead();
        close(Api.adminToken(), fresh).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("is new"));

        long closed = Api.verifiedLead("plumbing");
        close(Api.adminToken(), closed).then().statusCode(200);
        close(Api.adminToken(), closed).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("is closed"));

        long expired = Api.verifiedLead("plumbing");
        database.update("UPDATE leads SET status = 'expired' WHERE id = ?", expired);
        close(Api.adminToken(), expired).then().statusCode(409).body("detail", containsString("is expired"));

        close(Api.adminToken(), 999_999_999L).then().statusCode(404).contentType("application/problem+json");

        long open = Api.verifiedLead("plumbing");
        close(Api.register("provider").token(), open).then().statusCode(403).contentType("application/problem+json");
        close(Api.register("customer").token(), open).then().statusCode(403);
        given().post("/api/leads/{id}/close", open).then().statusCode(401);

        assertThat(database.text("SELECT status FROM leads WHERE id = ?", fresh)).isEqualTo("new");
        assertThat(database.text("SELECT status FROM leads WHERE id = ?", expired)).isEqualTo("expired");
        assertThat(database.text("SELECT status FROM leads WHERE id = ?", open)).isIn("verified", "distributed");
    }

    @Test
    void leadsVerifiedLongerAgoThanTheExpiryAgeExpire() {
        long oldVerified = Api.verifiedLead("plumbing");
        long oldDistributed = Api.verifiedLead("plumbing");
        long oldFull = Api.verifiedLead("plumbing");
        long recent = Api.verifiedLead("plumbing");
        long unverified = Api.submitLead();
        // statuses first, ages last: the expiry job runs every second and must only ever see the final state
        database.update("UPDATE leads SET status = 'distributed' WHERE id = ?", oldDistributed);
        database.update("UPDATE leads SET status = 'full' WHERE id = ?", oldFull);
        database.update("UPDATE leads SET created_at = now() - interval '100 hours' WHERE id = ?", unverified);
        database.update("UPDATE leads SET verified_at = now() - interval '73 hours' WHERE id IN (?, ?, ?)",
                oldVerified, oldDistributed, oldFull);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(database.count(
                "SELECT count(*) FROM leads WHERE id IN (?, ?) AND status = 'expired'", oldVerified, oldDistributed))
                .isEqualTo(2));

        // the due leads above were picked by the same rounds; these were never due
        assertThat(database.text("SELECT status FROM leads WHERE id = ?", oldFull)).isEqualTo("full");
        assertThat(database.text("SELECT status FROM leads WHERE id = ?", recent)).isIn("verified", "distributed");
        assertThat(database.text("SELECT status FROM leads WHERE id = ?", unverified)).isEqualTo("new");
        given().auth().oauth2(Api.adminToken()).get("/api/leads/{id}", oldVerified)
                .then().statusCode(200).body("status", equalTo("expired")).body("available", equalTo(false));
    }

    @Test
    void closedAndExpiredLeadsCannotBeClaimedAndNothingIsCharged() throws Exception {
        long closed = Api.verifiedLead("plumbing");
        close(Api.adminToken(), closed).then().statusCode(200);
        long expired = Api.verifiedLead("plumbing");
        database.update("UPDATE leads SET verified_at = now() - interval '80 hours' WHERE id = ?", expired);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "expired".equals(database.text("SELECT status FROM leads WHERE id = ?", expired)));

        var provider = Api.register("provider");
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            Api.claim(provider.token(), closed, Api.claimKey()).then().statusCode(409).contentType("application/problem+json")
                    .body("detail", equalTo("lead " + closed + " is closed and can no longer be claimed"));
            Api.claim(provider.token(), expired, Api.claimKey()).then().statusCode(409).contentType("application/problem+json")
                    .body("detail", equalTo("lead " + expired + " is expired and can no longer be claimed"));
            assertThat(wallet.debitCount(provider.id())).isZero();
            assertThat(wallet.debitKeys(provider.id())).isEmpty();
            assertThat(wallet.balance(provider.id())).isEqualTo(100);
        }
        assertThat(database.count("SELECT count(*) FROM claims WHERE account_id = ?", provider.id())).isZero();
    }

    @Test
    void aClaimBeingPaidForWhenTheLeadIsClosedIsRefusedAndRefunded() throws Exception {
        long leadId = Api.verifiedLead("plumbing");
        var provider = Api.register("provider");
        String adminToken = Api.adminToken();
        try (TestWallet wallet = TestWallet.start()) {
            wallet.fund(provider.id(), 100);
            // the slot is reserved and the debit booked; the admin closes the lead before the answer arrives
            wallet.beforeNextDebitAnswer(provider.id(), () -> close(adminToken, leadId).then().statusCode(200));

            Api.claim(provider.token(), leadId, Api.claimKey()).then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("lead " + leadId + " is closed and can no longer be claimed"))
                    .body("detail", containsString("refunded"));

            assertThat(wallet.debitCount(provider.id())).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(wallet.creditCount(provider.id())).isEqualTo(1);
                assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status = 'released'",
                        leadId)).isEqualTo(1);
            });
            assertThat(wallet.balance(provider.id())).isEqualTo(100);
        }
        assertThat(database.count("SELECT count(*) FROM claims WHERE lead_id = ? AND status <> 'released'", leadId))
                .isZero();
        assertThat(database.text("SELECT status FROM leads WHERE id = ?", leadId)).isEqualTo("closed");
        assertThat(database.count("SELECT claim_count FROM leads WHERE id = ?", leadId)).isZero();
        assertThat(database.count("SELECT count(*) FROM outbox WHERE event_type = 'lead_claimed' AND payload LIKE ?",
                "%\"lead_id\":\"" + leadId + "\"%")).isZero();
    }

    private static Response close(String token, long leadId) {
        return given().auth().oauth2(token).post("/api/leads/{id}/close", leadId);
    }
}
