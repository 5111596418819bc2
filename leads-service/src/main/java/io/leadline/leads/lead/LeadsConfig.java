package io.leadline.leads.lead;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

@ConfigMapping(prefix = "leadline.leads")
public interface LeadsConfig {

    /** The categories the lead form accepts, by name, with their defaults. */
    Map<String, Category> categories();

    /** When verified and distributed leads expire. */
    Expiry expiry();

    interface Expiry {

        /** Age, counted from verification, after which an unclaimed-out lead expires. */
        @WithDefault("72h")
        Duration after();

        /** How often the expiry job runs (read by its {@code @Scheduled}). */
        @WithDefault("1m")
        Duration checkInterval();

        /** Leads expired per batch; the job keeps going while batches come back full. */
        @WithDefault("100")
        int batchSize();
    }

    interface Category {

        /** Credits a claim costs. */
        int price();

        /** How many providers may claim a lead of this category. */
        @WithDefault("3")
        int maxClaims();
    }
}
