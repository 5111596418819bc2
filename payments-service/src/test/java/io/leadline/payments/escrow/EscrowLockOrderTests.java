package io.leadline.payments.escrow;

import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestDirectory;
import io.leadline.payments.support.Users;
import io.leadline.payments.support.Webhooks;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An escrow refund (seller, REST) and the provider's refund webhook for the same payment, at once. A
 * webhook locks the payment, then the escrow; the refund must take them in the same order, or each
 * waits for the other and PostgreSQL kills one of them as a deadlock.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class EscrowLockOrderTests {

    @Inject
    TestDatabase dataSource;

    @BeforeEach
    void leadsAnswersWhoExists() {
        TestDirectory.start();
    }

    @Test
    void anEscrowRefundAndTheProvidersRefundWebhookAtOnceBothSucceed() throws Exception {
        long buyer = Users.next();
        long seller = Users.next();
        JsonPath created = given().header("Authorization", Users.bearer(buyer, "customer")).contentType(ContentType.JSON)
                .body(Map.of("seller_id", seller, "amount", "40.00", "currency", "USD", "description", "deck repair"))
                .when().post("/api/escrows").then().statusCode(201).extract().jsonPath();
        long id = created.getLong("id");
        long paymentId = created.getLong("payment_id");
        String intent = created.getString("payment.provider_reference");
        Webhooks.stripe(Webhooks.stripeIntent(Webhooks.eventId("evt_"), "payment_intent.succeeded", intent, 4000))
                .statusCode(200);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> refund;
            Future<Integer> webhook;
            // a third transaction holds the escrow row, so both requests line up behind it in a known order:
            // the refund first, then the webhook (which by then holds the payment row)
            try (Connection holder = dataSource.getConnection()) {
                holder.setAutoCommit(false);
                try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM escrows WHERE id = ? FOR UPDATE")) {
                    lock.setLong(1, id);
                    lock.executeQuery().close();
                }
                refund = pool.submit(() -> given().header("Authorization", Users.bearer(seller, "provider"))
                        .contentType(ContentType.JSON).when().post("/api/escrows/{id}/refund", id)
                        .then().extract().statusCode());
                await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnALock() >= 1);
                webhook = pool.submit(() -> Webhooks.stripe(Webhooks.stripeChargeRefunded(Webhooks.eventId("evt_"),
                        intent, 4000)).extract().statusCode());
                await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnALock() >= 2);
                holder.rollback();
            }
            assertThat(refund.get(60, TimeUnit.SECONDS)).as("escrow refund").isEqualTo(200);
            assertThat(webhook.get(60, TimeUnit.SECONDS)).as("refund webhook").isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM escrows WHERE id = ? AND status = 'REFUNDED'", id))
                .isEqualTo(1);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM payments WHERE id = ? AND status = 'refunded' "
                + "AND refunded_amount = amount", paymentId)).isEqualTo(1);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM refunds WHERE payment_id = ?", paymentId)).isEqualTo(1);
    }

    private long waitingOnALock() {
        return Db.scalar(dataSource, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock'");
    }
}
