package io.leadline.leads.scoring;

import io.leadline.leads.lead.Contact;
import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.LeadStatus;
import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.ServiceArea;
import io.leadline.leads.scoring.service.LeadScorer;
import io.leadline.shared.event.leads.LeadScore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scorer is a pure function of lead, profile and clock: a table says what it must answer. */
class LeadScorerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final LeadScorer DEFAULT = new LeadScorer(ScoringWeights.DEFAULTS);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                        | area              | types                 | min | max | units | urgency | age min | score | tier
            everything fits, fresh        | Austin,TX,78701   | single_family         | 1   | 4   | 1     | urgent  | 10      | 100   | excellent
            zip fits, high urgency        | Austin,TX,78701   | single_family         | 1   | 4   | 1     | high    | 10      | 96    | excellent
            whole city, any type          | Austin,TX,        |                       |     |     | 1     | high    | 10      | 74    | good
            state only, wrong type        | Dallas,TX,        | commercial            |     |     | 1     | medium  | 10      | 41    | fair
            state only, units outside     | Dallas,TX,        | condo                 | 10  | 50  | 1     | low     | 3000    | 13    | low
            city, other zip, day old      | Austin,TX,78702   | single_family,condo   | 1   |     | 1     | medium  | 300     | 73    | good
            unit bound exactly            | Austin,TX,78701   | single_family         | 1   | 1   | 1     | low     | 60      | 89    | excellent
            one minute too old for fresh  | Austin,TX,78701   | single_family         | 1   | 1   | 1     | low     | 61      | 84    | excellent
            """)
    void scoresByTheTable(String name, String area, String types, Integer min, Integer max, int units,
            String urgency, int ageMinutes, int score, String tier) {
        LeadScore result = DEFAULT.score(lead(units, urgency, ageMinutes), profile(area, types, min, max), NOW);
        assertThat(result.score()).isEqualTo(score);
        assertThat(result.tier()).isEqualTo(tier);
        assertThat(result.badge()).isEqualTo(Tier.of(score).badge());
        assertThat(result.reasons()).hasSize(5);
    }

    @ParameterizedTest
    @CsvSource({"100, excellent", "80, excellent", "79, good", "60, good", "59, fair", "40, fair", "39, low", "0, low"})
    void tiersHaveFixedBoundaries(int score, String tier) {
        assertThat(Tier.of(score).wireName()).isEqualTo(tier);
    }

    @Test
    void badgesFollowTheTier() {
        assertThat(Tier.EXCELLENT.badge().color()).isEqualTo("green");
        assertThat(Tier.EXCELLENT.badge().priority()).isEqualTo("high");
        assertThat(Tier.GOOD.badge().text()).isEqualTo("Good match");
        assertThat(Tier.LOW.badge().color()).isEqualTo("gray");
    }

    @Test
    void reasonsNameEveryFactorWithItsPoints() {
        LeadScore result = DEFAULT.score(lead(1, "high", 10), profile("Austin,TX,78701", "single_family", 1, 4), NOW);
        assertThat(result.reasons()).containsExactly(
                "service area: ZIP 78701 is one you serve (+30)",
                "property type: single_family is one you serve (+25)",
                "units: 1 within your range 1-4 (+20)",
                "urgency: high (+11)",
                "freshness: submitted within the hour (+10)");
    }

    @ParameterizedTest(name = "lead {0}, provider serves {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # lead type     | provider serves         | fraction | reason
            single_family   | residential             | 1.0      | property type: single_family is residential, which you serve
            residential     | condo,single_family     | 1.0      | property type: residential includes condo, which you serve
            mixed_use       | commercial              | 1.0      | property type: mixed_use is commercial, which you serve
            commercial      | industrial              | 1.0      | property type: commercial includes industrial, which you serve
            residential     | residential             | 1.0      | property type: residential is one you serve
            residential     | commercial              | 0.0      | property type: residential is not one you serve
            industrial      | residential             | 0.0      | property type: industrial is not one you serve
            townhouse       | condo,apartment         | 0.0      | property type: townhouse is not one you serve
            """)
    void aClassMatchesItsMembersForLeadsAndProviders(String leadType, String served, double fraction, String reason) {
        // only the property type counts, so the score is its fraction
        LeadScorer typeOnly = new LeadScorer(new ScoringWeights(0, 1, 0, 0, 0));
        LeadScore result = typeOnly.score(lead(leadType, 1, "low", 10), profile("Austin,TX,", served, null, null), NOW);
        assertThat(result.score()).isEqualTo((int) Math.round(100 * fraction));
        assertThat(result.reasons()).contains(reason + " (+" + Math.round(100 * fraction) + ")");
    }

    @Test
    void weightsAreConfigurableAndNormalised() {
        // only the area counts: a ZIP match alone is a perfect score, a state match 30
        LeadScorer areaOnly = new LeadScorer(new ScoringWeights(1, 0, 0, 0, 0));
        assertThat(areaOnly.score(lead(1, "low", 5000), profile("Austin,TX,78701", "commercial", 50, 60), NOW).score())
                .isEqualTo(100);
        assertThat(areaOnly.score(lead(1, "low", 5000), profile("Dallas,TX,", "", null, null), NOW).score())
                .isEqualTo(30);
        assertThatThrownBy(() -> new ScoringWeights(0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoringWeights(-1, 5, 5, 5, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameInputSameScore() {
        var lead = lead(3, "medium", 90);
        var profile = profile("Austin,TX,", "condo", 2, 8);
        assertThat(DEFAULT.score(lead, profile, NOW)).isEqualTo(DEFAULT.score(lead, profile, NOW));
    }

    private static Lead lead(int units, String urgency, int ageMinutes) {
        return lead("single_family", units, urgency, ageMinutes);
    }

    private static Lead lead(String propertyType, int units, String urgency, int ageMinutes) {
        return new Lead(7, "Roof leak", "Water coming through the ceiling", "roofing",
                new Contact("A", "a@example.com", "5550001111"), "Austin", "TX", "78701", propertyType, units,
                urgency, LeadStatus.VERIFIED, 40, 3, 0, NOW.minus(Duration.ofMinutes(ageMinutes)), NOW);
    }

    private static ProviderProfile profile(String area, String types, Integer min, Integer max) {
        String[] parts = area.split(",", -1);
        ServiceArea serviceArea = new ServiceArea(parts[0], parts[1], parts[2].isEmpty() ? null : parts[2]);
        List<String> propertyTypes = types == null || types.isBlank() ? List.of() : Arrays.asList(types.split(","));
        return new ProviderProfile(1, List.of("roofing"), List.of(serviceArea), propertyTypes, min, max);
    }
}
