package io.leadline.system.harness;

import java.util.UUID;

/**
 * The provider webhook secrets of this test run. The packaged services run in the prod profile, which
 * has no default for them and refuses the dev ones, so every run makes its own; tests sign webhooks
 * with these.
 */
public final class WebhookSecrets {

    public static final String STRIPE = "whsec_test_" + UUID.randomUUID().toString().replace("-", "");
    public static final String RAZORPAY = "razorpay_test_" + UUID.randomUUID().toString().replace("-", "");

    private WebhookSecrets() {
    }
}
