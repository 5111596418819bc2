package io.leadline.payments.transaction;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.Payments;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class MetricsVersionTests {

    private static final Logger LOG = Logger.getLogger(MetricsVersionTests.class);
    private static final int PAYMENTS = 50;

    @Test
    void concurrentPaymentsPublishMetricsInVersionOrderThatNeverGoBackwardsAndEndEqualToRest() throws Exception {
        long versionBefore = restMetrics().getLong("version");
        try (TestNats.ChannelWatch monitor = TestNats.watch(Channels.PAYMENTS_MONITOR)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            long started = System.nanoTime();
            try {
                List<Future<?>> paid = new ArrayList<>();
                for (int i = 0; i < PAYMENTS; i++) {
                    long credits = 5 + i;
                    paid.add(pool.submit(() -> {
                        JsonPath payment = Payments.topUp(Users.next(), credits, "stripe");
                        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                                payment.getString("provider_reference"), credits * 100))
                                .statusCode(200).body("status", equalTo("processed"));
                    }));
                }
                for (Future<?> payment : paid) {
                    payment.get();
                }
            } finally {
                pool.shutdownNow();
            }
            LOG.infof("%d payments created and settled by 16 clients in %d ms", PAYMENTS,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());

            // every payment is announced twice (created, then succeeded), each with its own snapshot
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(snapshotsAfter(monitor, versionBefore)).hasSize(2 * PAYMENTS));
            List<JsonNode> snapshots = snapshotsAfter(monitor, versionBefore);
            for (int i = 1; i < snapshots.size(); i++) {
                JsonNode before = snapshots.get(i - 1);
                JsonNode after = snapshots.get(i);
                assertThat(after.path("version").asLong()).as("version after %s", before)
                        .isGreaterThan(before.path("version").asLong());
                assertThat(after.path("transaction_count").asLong()).as("count after %s", before)
                        .isGreaterThanOrEqualTo(before.path("transaction_count").asLong());
                assertThat(after.path("revenue_total").decimalValue()).as("revenue after %s", before)
                        .isGreaterThanOrEqualTo(before.path("revenue_total").decimalValue());
            }

            JsonNode last = snapshots.get(snapshots.size() - 1);
            JsonPath rest = restMetrics();
            assertThat(rest.getLong("version")).isEqualTo(last.path("version").asLong());
            assertThat(rest.getLong("transaction_count")).isEqualTo(last.path("transaction_count").asLong());
            assertThat(new BigDecimal(rest.getString("success_rate")))
                    .isEqualByComparingTo(last.path("success_rate").decimalValue());
            assertThat(new BigDecimal(rest.getString("revenue_total")))
                    .isEqualByComparingTo(last.path("revenue_total").decimalValue());
            assertThat(new BigDecimal(rest.getString("revenue_by_currency.USD")))
                    .isEqualByComparingTo(last.path("revenue_by_currency").path("USD").decimalValue());
        }
    }

    @Test
    void theSeriesCountsPaymentsPerMinuteOfTheLastHourWithTheVersionItWasReadAt() {
        long user = Users.next();
        JsonPath payment = Payments.topUp(user, 7, "stripe");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded",
                payment.getString("provider_reference"), 700)).statusCode(200);
        long version = restMetrics().getLong("version");

        JsonPath series = given().header("Authorization", Users.admin())
                .queryParam("window", "1h").queryParam("step", "1m")
                .when().get("/api/payments/metrics/series")
                .then().statusCode(200).extract().jsonPath();
        assertThat(series.getLong("version")).isGreaterThanOrEqualTo(version);
        assertThat(series.getString("window")).isEqualTo("1h");
        assertThat(series.getString("revenue_currency")).isEqualTo("USD");
        List<Long> counts = series.getList("points.transaction_count", Long.class);
        assertThat(counts).hasSizeBetween(60, 61); // every minute, empty ones too
        assertThat(counts.get(counts.size() - 1)).isPositive();
        assertThat(new BigDecimal(series.getString("points[-1].revenue"))).isGreaterThanOrEqualTo(new BigDecimal("7"));
        assertThat(series.getList("points.starts_at", String.class)).isSorted();

        given().header("Authorization", Users.admin()).queryParam("step", "1s")
                .when().get("/api/payments/metrics/series")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("step"));
        given().header("Authorization", Users.admin()).queryParam("window", "30d")
                .when().get("/api/payments/metrics/series")
                .then().statusCode(400).body("errors[0].field", equalTo("window"));
        given().header("Authorization", Users.bearer(user, "provider")).when().get("/api/payments/metrics/series")
                .then().statusCode(403);
    }

    private static JsonPath restMetrics() {
        return given().header("Authorization", Users.admin()).queryParam("window", "24h")
                .when().get("/api/payments/metrics")
                .then().statusCode(200).extract().jsonPath();
    }

    /** The metrics snapshots published after {@code version}, in the stream's order. */
    private static List<JsonNode> snapshotsAfter(TestNats.ChannelWatch monitor, long version) {
        return monitor.ofType("metrics_updated").stream().map(event -> event.path("data"))
                .filter(data -> data.path("version").asLong() > version).toList();
    }
}
