package io.leadline.payments.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

@ConfigMapping(prefix = "leadline.payments")
public interface PaymentsConfig {

    Rpc rpc();

    Wallet wallet();

    /**
     * What one credit costs in each currency it can be bought with, in that currency's minor units
     * ({@code credit-price.USD=100}: 1.00 USD a credit). A currency not listed cannot buy credits.
     */
    Map<String, Long> creditPrice();

    /**
     * The currency whose revenue is {@code revenue_total} in the metrics; every currency's revenue is
     * reported on its own in {@code revenue_by_currency}, never summed with another's.
     */
    @WithDefault("USD")
    String revenueCurrency();

    Webhook webhook();

    Escrow escrow();

    Fraud fraud();

    /** Rules evaluated on every new and every failed payment; each alerts once per customer and window. */
    interface Fraud {

        @WithDefault("true")
        boolean enabled();

        Velocity velocity();

        AmountThreshold amountThreshold();

        RepeatedFailures repeatedFailures();

        interface Velocity {
            /** More payments than this by one customer within the window raise an alert. */
            @WithDefault("5")
            int maxPayments();

            @WithDefault("10m")
            Duration window();

            @WithDefault("medium")
            String severity();
        }

        interface AmountThreshold {
            /** A payment of at least this amount (any currency, major units) raises an alert. */
            @WithDefault("1000")
            BigDecimal amount();

            @WithDefault("1h")
            Duration window();

            @WithDefault("high")
            String severity();
        }

        interface RepeatedFailures {
            /** This many failed payments by one customer within the window raise an alert. */
            @WithDefault("3")
            int maxFailures();

            @WithDefault("1h")
            Duration window();

            @WithDefault("high")
            String severity();
        }
    }

    interface Escrow {

        /** How often escrows whose parties did not reach the key-value bucket are published again (read by @Scheduled). */
        @WithDefault("5s")
        String partiesRetryInterval();

        /**
         * How long a new escrow waits for leads-service to say whether its seller exists
         * ({@code svc.leads.users-exist}); no answer in time is 503 and nothing is stored.
         */
        @WithDefault("2s")
        Duration userCheckTimeout();
    }

    interface Webhook {

        String stripeSecret();

        String razorpaySecret();

        /** How far a Stripe-Signature timestamp may be from now. */
        @WithDefault("5m")
        Duration tolerance();

        /** A larger body is answered 413 before it is parsed or verified (checked on Content-Length and while reading). */
        @WithDefault("256K")
        MemorySize maxBodySize();

        /**
         * Requests refused before their signature verified are counted, not announced one by one: at
         * most one {@code webhook_failed} summary per this interval (read by @Scheduled).
         */
        @WithDefault("60s")
        String rejectionReportInterval();
    }

    interface Rpc {

        /** Queue group shared by every payments instance, so each request is handled once. */
        @WithDefault("payments-service")
        String queueGroup();

        /**
         * Wallet requests under way at once (they run on the event loops and wait for a connection of the
         * reactive pool; no thread blocks); one more is answered {@code busy} at once, never started.
         */
        @WithDefault("2048")
        int maxInFlight();
    }

    interface Wallet {

        /** The largest single debit, credit or grant, in credits. */
        @WithDefault("1000000000")
        long maxAmount();

        @WithDefault("20")
        int recentEntries();
    }
}
