package io.leadline.leads.lead;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;

@ConfigMapping(prefix = "leadline.leads")
public interface LeadsConfig {

    /** The categories the lead form accepts, by name, with their defaults. */
    Map<String, Category> categories();

    interface Category {

        /** Credits a claim costs. */
        int price();

        /** How many providers may claim a lead of this category. */
        @WithDefault("3")
        int maxClaims();
    }
}
