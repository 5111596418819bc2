package io.leadline.leads.scoring;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "leadline.scoring.weights")
public interface ScoringConfig {

    @WithDefault("30")
    int serviceArea();

    @WithDefault("25")
    int propertyType();

    @WithDefault("20")
    int unitFit();

    @WithDefault("15")
    int urgency();

    @WithDefault("10")
    int freshness();

    default ScoringWeights weights() {
        return new ScoringWeights(serviceArea(), propertyType(), unitFit(), urgency(), freshness());
    }
}
