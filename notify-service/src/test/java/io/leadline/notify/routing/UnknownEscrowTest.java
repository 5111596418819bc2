package io.leadline.notify.routing;

import io.leadline.notify.WsTestClient;
import io.leadline.notify.authorization.EscrowParties;
import io.leadline.shared.json.JsonCodec;
import io.leadline.notify.TestBus;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscribes to escrow ids the escrow-parties bucket does not know are answered from memory after the
 * first miss (the test profile remembers a miss for 10 minutes), and an escrow created meanwhile is at
 * once open to its parties.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class UnknownEscrowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(14_000);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    @Inject
    MeterRegistry registry;

    @Inject
    EscrowParties parties;

    @Test
    void repeatedSubscribesToAnUnknownEscrowReadTheBucketOnceAndItsCreationOpensItToItsParties() throws Exception {
        String buyer = String.valueOf(USERS.incrementAndGet());
        String seller = String.valueOf(USERS.incrementAndGet());
        String escrowId = "unknown-" + System.nanoTime();
        String channel = "escrow." + escrowId;
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(buyer, "customer"))) {
            client.awaitType("connected", WAIT);
            double before = lookups();
            for (int i = 0; i < 20; i++) {
                String id = "try-" + i;
                client.send(Map.of("type", "subscribe", "channel", channel, "id", id));
                assertThat(client.await(frame -> id.equals(frame.path("ref").asText()), WAIT).path("code").asText())
                        .isEqualTo("forbidden");
            }
            assertThat(lookups() - before).as("bucket reads for 20 subscribes to one unknown escrow").isEqualTo(1.0);

            // payments-service creates the escrow: the watch brings it, the remembered miss goes with it
            TestBus.putParties(escrowId, buyer, seller);
            await().atMost(WAIT).until(() -> parties.exists(escrowId));
            client.send(Map.of("type", "subscribe", "channel", channel, "id", "now"));
            assertThat(client.await(frame -> "now".equals(frame.path("id").asText())
                    || "now".equals(frame.path("ref").asText()), WAIT).path("type").asText()).isEqualTo("subscribed");
            assertThat(lookups() - before).as("no further bucket read").isEqualTo(1.0);
        }
    }

    @Test
    void aPartyOfAnEscrowTheWatchHasNotBroughtYetIsLetInAfterOneBucketRead() throws Exception {
        String buyer = String.valueOf(USERS.incrementAndGet());
        String escrowId = "fresh-" + System.nanoTime();
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(buyer, "customer"))) {
            client.awaitType("connected", WAIT);
            TestBus.putParties(escrowId, buyer, "someone-else");
            // whether the watch or the bucket read comes first, the buyer is let in
            client.send(Map.of("type", "subscribe", "channel", "escrow." + escrowId, "id", "fresh"));
            assertThat(client.await(frame -> "fresh".equals(frame.path("id").asText())
                    || "fresh".equals(frame.path("ref").asText()), WAIT).path("type").asText()).isEqualTo("subscribed");
        }
    }

    private double lookups() {
        return registry.get("leadline.gateway.escrow.lookups").counter().count();
    }
}
