package io.leadline.leads.lead;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.ChannelListener;
import io.leadline.leads.support.Database;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class LeadVerificationTest {

    @Inject
    Database database;

    @Test
    void verifiedLeadIsAnnouncedOnTheLeadsChannelWithoutContactData() throws Exception {
        Map<String, Object> form = Api.validLeadForm();
        form.put("contact_name", "Quincy Unmistakable");
        form.put("contact_email", "quincy.unmistakable@example.org");
        form.put("contact_phone", "+1 212 555 0199");
        long leadId = Api.submitLead(form);

        try (ChannelListener leads = ChannelListener.on(Channels.LEADS)) {
            given().auth().oauth2(Api.adminToken())
                    .post("/api/leads/{id}/verify", leadId)
                    .then().statusCode(200)
                    .body("status", equalTo("verified"))
                    .body("verified_at", notNullValue())
                    .body("contact.email", equalTo("quincy.unmistakable@example.org"));

            String marker = "\"id\":\"" + leadId + "\"";
            await().atMost(Duration.ofSeconds(20)).until(() -> !leads.containing(marker).isEmpty());
            String raw = leads.containing(marker).get(0);

            assertThat(raw).doesNotContain("Quincy", "Unmistakable", "quincy.unmistakable", "example.org",
                    "555 0199", "contact");
            var envelope = JsonCodec.decodeEnvelope(raw.getBytes(StandardCharsets.UTF_8));
            assertThat(envelope.type()).isEqualTo("lead_created");
            assertThat(envelope.channel()).isEqualTo("leads");
            assertThat(envelope.id()).isNotBlank();
            var data = envelope.data();
            assertThat(data.path("id").asText()).isEqualTo(Long.toString(leadId));
            assertThat(data.path("title").asText()).isEqualTo(form.get("title"));
            assertThat(data.path("category").asText()).isEqualTo("plumbing");
            assertThat(data.path("city").asText()).isEqualTo("San Francisco");
            assertThat(data.path("state").asText()).isEqualTo("CA");
            assertThat(data.path("urgency").asText()).isEqualTo("high");
            assertThat(data.path("property_type").asText()).isEqualTo("single_family");
            assertThat(data.path("units").asInt()).isEqualTo(1);
            assertThat(data.path("price").asInt()).isEqualTo(25);
            assertThat(data.path("max_claims").asInt()).isEqualTo(3);
            assertThat(data.path("created_at").asText()).isNotBlank();
            assertThat(data.has("zip")).isFalse();
        }
        assertThat(database.count("SELECT count(*) FROM leads WHERE id = ? AND status = 'verified'", leadId))
                .isEqualTo(1);
        assertThat(database.count("SELECT count(*) FROM outbox WHERE subject = 'ch.leads.leads' AND event_type = "
                + "'lead_created' AND payload LIKE ?", "%\"id\":\"" + leadId + "\"%")).isEqualTo(1);
    }

    @Test
    void verifyingTwiceIsAConflictAndAnnouncesOnce() {
        long leadId = Api.submitLead();
        Api.verify(leadId);
        given().auth().oauth2(Api.adminToken())
                .post("/api/leads/{id}/verify", leadId)
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("already verified"));
        assertThat(database.count("SELECT count(*) FROM outbox WHERE event_type = 'lead_created' AND payload LIKE ?",
                "%\"id\":\"" + leadId + "\"%")).isEqualTo(1);
    }

    @Test
    void verifyingAnUnknownLeadIsNotFound() {
        given().auth().oauth2(Api.adminToken())
                .post("/api/leads/{id}/verify", 987654321)
                .then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
        given().auth().oauth2(Api.adminToken())
                .post("/api/leads/not-a-number/verify")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void onlyAdminsVerify() {
        long leadId = Api.submitLead();
        long outboxBefore = database.rows("outbox");
        for (String role : new String[] {"provider", "property_manager", "customer"}) {
            given().auth().oauth2(Api.register(role).token())
                    .post("/api/leads/{id}/verify", leadId)
                    .then().statusCode(403).contentType("application/problem+json");
        }
        given().post("/api/leads/{id}/verify", leadId)
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.forgedToken("1", "admin"))
                .post("/api/leads/{id}/verify", leadId)
                .then().statusCode(401);
        assertThat(database.count("SELECT count(*) FROM leads WHERE id = ? AND status = 'new'", leadId)).isEqualTo(1);
        assertThat(database.rows("outbox")).isEqualTo(outboxBefore);
    }
}
