package io.leadline.leads.scoring;

import io.leadline.shared.event.leads.LeadScore;

/** Score bands, highest first, each with the badge clients show as it is. */
public enum Tier {
    EXCELLENT("excellent", 80, new LeadScore.Badge("Excellent match", "green", "high")),
    GOOD("good", 60, new LeadScore.Badge("Good match", "blue", "medium")),
    FAIR("fair", 40, new LeadScore.Badge("Fair match", "amber", "low")),
    LOW("low", 0, new LeadScore.Badge("Low match", "gray", "low"));

    private final String wireName;
    private final int minScore;
    private final LeadScore.Badge badge;

    Tier(String wireName, int minScore, LeadScore.Badge badge) {
        this.wireName = wireName;
        this.minScore = minScore;
        this.badge = badge;
    }

    public static Tier of(int score) {
        for (Tier tier : values()) {
            if (score >= tier.minScore) {
                return tier;
            }
        }
        return LOW;
    }

    public String wireName() {
        return wireName;
    }

    public LeadScore.Badge badge() {
        return badge;
    }
}
