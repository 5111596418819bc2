package io.leadline.payments.wallet;

import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A process allowed to read the stream (notify-service's credentials) cannot have its own stored
 * messages delivered to {@code svc.payments.*} as requests: the server delivers for a consumer to any
 * subject its creator names, whatever that creator may publish on, so the responder itself refuses
 * stream deliveries. Nothing is credited, and the refusal is counted.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class StreamDeliveredRequestsTests {

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void aCreditRequestDeliveredByAConsumerOfTheStreamIsNotAnswered() throws Exception {
        long user = Users.next();
        WalletDebitTests.grant(user, 10);
        Connection notify = LeadlineTestResources.nats().connect(NatsIdentity.NOTIFY);
        try {
            // what notify may do: publish its own subject into the stream, and create a consumer reading it
            String subject = Channels.subjectOf(io.leadline.shared.event.EventType.NOTIFICATION_MESSAGE,
                    Channels.user(user));
            String forged = "{\"user_id\":\"" + user + "\",\"amount\":1000000,\"idempotency_key\":\"mint-" + user
                    + "\",\"reason\":\"grant\",\"reference\":\"forged\"}";
            notify.jetStream().publish(subject, forged.getBytes(StandardCharsets.UTF_8));
            JetStreamManagement jsm = notify.jetStreamManagement();
            ConsumerInfo consumer = jsm.addOrUpdateConsumer(StreamLimits.DEFAULTS.name(), ConsumerConfiguration.builder()
                    .filterSubject(subject).deliverPolicy(DeliverPolicy.All).ackPolicy(AckPolicy.None)
                    .deliverSubject(PaymentSubjects.CREDIT).deliverGroup("payments-service")
                    .inactiveThreshold(Duration.ofMinutes(1)).build());
            try {
                // the server did deliver it to the request subject, where payments-service listens
                await().atMost(Duration.ofSeconds(30)).until(() -> jsm.getConsumerInfo(StreamLimits.DEFAULTS.name(),
                        consumer.getName()).getDelivered().getConsumerSequence() >= 1);
                await().atMost(Duration.ofSeconds(30)).until(() -> refused() >= 1);
            } finally {
                jsm.deleteConsumer(StreamLimits.DEFAULTS.name(), consumer.getName());
            }
        } finally {
            notify.close();
        }
        // a genuine request after it is answered: the responder works, and the forged one changed nothing
        assertThat(TestNats.request(PaymentSubjects.DEBIT, WalletDebitTests.debit(String.valueOf(user), 1, "after-" + user,
                "lead-1")).path("new_balance").asLong()).isEqualTo(9);
        given().header("Authorization", Users.bearer(user, "provider")).when().get("/api/wallet")
                .then().statusCode(200).body("balance", equalTo(9));
    }

    private double refused() {
        String metrics = given().baseUri(management.resolve("/").toString()).when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("leadline_rpc_refused_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
