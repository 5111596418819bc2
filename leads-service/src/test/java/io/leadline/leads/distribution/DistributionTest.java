package io.leadline.leads.distribution;

import io.leadline.leads.support.Api;
import io.leadline.leads.support.ChannelListener;
import io.leadline.leads.support.Database;
import io.leadline.leads.support.Profiles;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class DistributionTest {

    @Inject
    Database database;

    @Test
    void verifiedLeadReachesMatchingProvidersWithTheirScore() throws Exception {
        String city = "Scoreville" + Api.uniqueName("x").replaceAll("[^a-z]", "");
        var excellent = Api.register("provider");
        Profiles.save(excellent.token(), Profiles.form("hvac", city, "OR", "97201"));
        var fair = Api.register("property_manager");
        Map<String, Object> farForm = Profiles.form("hvac", "Elsewhere", "OR", null);
        farForm.put("property_types", List.of("commercial"));
        Profiles.save(fair.token(), farForm);
        var otherCategory = Api.register("provider");
        Profiles.save(otherCategory.token(), Profiles.form("roofing", city, "OR", "97201"));
        var otherState = Api.register("provider");
        Profiles.save(otherState.token(), Profiles.form("hvac", city, "WA", "97201"));

        Map<String, Object> form = Api.validLeadForm();
        form.putAll(Map.of("category", "hvac", "city", city, "state", "OR", "zip", "97201", "urgency", "urgent",
                "contact_email", "secret.person@example.net"));
        long leadId = Api.submitLead(form);

        try (ChannelListener top = ChannelListener.on(Channels.user(excellent.id()));
                ChannelListener farAway = ChannelListener.on(Channels.user(fair.id()))) {
            given().auth().oauth2(Api.adminToken()).post("/api/leads/{id}/verify", leadId)
                    .then().statusCode(200).body("status", equalTo("distributed"));

            await().atMost(Duration.ofSeconds(20)).until(() -> top.messages().size() >= 2
                    && !farAway.messages().isEmpty());
            String distributed = top.containing("\"type\":\"lead_distributed\"").get(0);
            assertThat(distributed).doesNotContain("secret.person", "Jordan", "contact");
            var data = JsonCodec.decodeEnvelope(distributed.getBytes(StandardCharsets.UTF_8)).data();
            assertThat(data.path("lead").path("id").asText()).isEqualTo(Long.toString(leadId));
            assertThat(data.path("score").path("score").asInt()).isEqualTo(100);
            assertThat(data.path("score").path("tier").asText()).isEqualTo("excellent");
            assertThat(data.path("score").path("badge").path("color").asText()).isEqualTo("green");
            assertThat(data.path("score").path("reasons")).hasSize(5);
            assertThat(data.path("notification").path("title").asText()).contains("hvac", city);
            assertThat(data.path("notification").path("priority").asText()).isEqualTo("high");

            String alert = top.containing("\"type\":\"lead_alert\"").get(0);
            var alertData = JsonCodec.decodeEnvelope(alert.getBytes(StandardCharsets.UTF_8)).data();
            assertThat(alertData.path("reason").asText()).isEqualTo("excellent_lead");
            assertThat(alertData.path("lead_id").asText()).isEqualTo(Long.toString(leadId));

            var farData = JsonCodec.decodeEnvelope(farAway.messages().get(0).getBytes(StandardCharsets.UTF_8)).data();
            assertThat(farAway.messages().get(0)).contains("\"type\":\"lead_distributed\"");
            assertThat(farData.path("score").path("tier").asText()).isIn("fair", "low");
        }
        // the outbox is the record of what was published: nothing for non-matching providers, no alert for fair
        assertThat(database.count("SELECT count(*) FROM outbox WHERE subject = ?", "ch.leads.user." + otherCategory.id()))
                .isZero();
        assertThat(database.count("SELECT count(*) FROM outbox WHERE subject = ?", "ch.leads.user." + otherState.id()))
                .isZero();
        assertThat(database.count("SELECT count(*) FROM outbox WHERE subject = ? AND event_type = 'lead_alert'",
                "ch.leads.user." + fair.id())).isZero();
        assertThat(database.count("SELECT count(*) FROM lead_distributions WHERE lead_id = ?", leadId)).isEqualTo(2);
        assertThat(database.count("SELECT count(*) FROM lead_distributions WHERE lead_id = ? AND account_id = ? "
                + "AND score = 100 AND tier = 'excellent'", leadId, excellent.id())).isEqualTo(1);
    }

    @Test
    void aPropertyClassMatchesItsMembersForLeadsAndProviders() {
        String city = "Classville" + Api.uniqueName("x").replaceAll("[^a-z]", "");
        var servesResidential = serving("property_manager", city, "residential");
        var servesCondos = serving("provider", city, "condo");
        var servesCommercial = serving("provider", city, "commercial");

        long fineLead = verifiedLead(city, "condo");
        assertThat(propertyReason(fineLead, servesResidential.id()))
                .isEqualTo("property type: condo is residential, which you serve (+25)");
        assertThat(propertyReason(fineLead, servesCondos.id())).isEqualTo("property type: condo is one you serve (+25)");
        assertThat(propertyReason(fineLead, servesCommercial.id()))
                .isEqualTo("property type: condo is not one you serve (+0)");

        long classLead = verifiedLead(city, "residential");
        assertThat(propertyReason(classLead, servesResidential.id()))
                .isEqualTo("property type: residential is one you serve (+25)");
        assertThat(propertyReason(classLead, servesCondos.id()))
                .isEqualTo("property type: residential includes condo, which you serve (+25)");
        assertThat(propertyReason(classLead, servesCommercial.id()))
                .isEqualTo("property type: residential is not one you serve (+0)");

        long mixedLead = verifiedLead(city, "mixed_use");
        assertThat(propertyReason(mixedLead, servesResidential.id())).endsWith("which you serve (+25)");
        assertThat(propertyReason(mixedLead, servesCommercial.id()))
                .isEqualTo("property type: mixed_use is commercial, which you serve (+25)");
        assertThat(propertyReason(mixedLead, servesCondos.id())).endsWith("is not one you serve (+0)");
    }

    private static Api.User serving(String role, String city, String propertyType) {
        var account = Api.register(role);
        Map<String, Object> profile = Profiles.form("electrical", city, "NM", null);
        profile.put("property_types", List.of(propertyType));
        Profiles.save(account.token(), profile);
        return account;
    }

    private static long verifiedLead(String city, String propertyType) {
        Map<String, Object> form = Api.validLeadForm();
        form.putAll(Map.of("category", "electrical", "city", city, "state", "NM", "zip", "87501",
                "property_type", propertyType));
        long leadId = Api.submitLead(form);
        given().auth().oauth2(Api.adminToken()).post("/api/leads/{id}/verify", leadId)
                .then().statusCode(200).body("status", equalTo("distributed"));
        return leadId;
    }

    /** The property type's reason in the score the lead was distributed with to the account. */
    private String propertyReason(long leadId, long accountId) {
        return database.text("SELECT reason FROM lead_distributions, jsonb_array_elements_text(reasons) AS reason "
                + "WHERE lead_id = ? AND account_id = ? AND reason LIKE 'property type:%'", leadId, accountId);
    }

    @Test
    void leadWithoutMatchingProvidersStaysVerified() {
        Map<String, Object> form = Api.validLeadForm();
        form.putAll(Map.of("category", "pest_control", "state", "AK", "city", "Nome"));
        long leadId = Api.submitLead(form);
        given().auth().oauth2(Api.adminToken()).post("/api/leads/{id}/verify", leadId)
                .then().statusCode(200).body("status", equalTo("verified"));
        assertThat(database.count("SELECT count(*) FROM lead_distributions WHERE lead_id = ?", leadId)).isZero();
    }
}
