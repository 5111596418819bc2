package io.leadline.leads.scoring;

/** Relative weights of the score factors; the score is normalised by their sum, so any scale works. */
public record ScoringWeights(int serviceArea, int propertyType, int unitFit, int urgency, int freshness) {

    public static final ScoringWeights DEFAULTS = new ScoringWeights(30, 25, 20, 15, 10);

    public ScoringWeights {
        if (serviceArea < 0 || propertyType < 0 || unitFit < 0 || urgency < 0 || freshness < 0) {
            throw new IllegalArgumentException("scoring weights must not be negative");
        }
        if (total(serviceArea, propertyType, unitFit, urgency, freshness) == 0) {
            throw new IllegalArgumentException("at least one scoring weight must be positive");
        }
    }

    public int total() {
        return total(serviceArea, propertyType, unitFit, urgency, freshness);
    }

    private static int total(int... weights) {
        int sum = 0;
        for (int weight : weights) {
            sum += weight;
        }
        return sum;
    }
}
