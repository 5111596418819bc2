package io.leadline.notify.routing;

import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.TestTokens;
import io.nats.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a NATS reconnect the router resubscribes; while JetStream does not answer, it drops and makes its
 * connection again every few failed attempts, and routes again once JetStream is back.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class JetStreamOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final AtomicInteger USERS = new AtomicInteger(870_000 + (int) (System.nanoTime() % 10_000) * 10);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Connection nats;

    @Test
    void aReconnectWhoseJetStreamStaysSilentIsForcedAgainAndRoutingResumesOnceJetStreamIsBack() throws Exception {
        String user = String.valueOf(USERS.incrementAndGet());
        NatsTestServer server = LeadlineTestResources.nats();
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(user, "provider"))) {
            client.awaitType("connected", WAIT);
            try {
                server.restartWithoutJetStream();
                await("notify reconnected to the server without JetStream").atMost(WAIT)
                        .until(() -> nats.getStatus() == Connection.Status.CONNECTED);
                long reconnectedAs = nats.getServerInfo().getClientId();
                // the server stays up: a new client id can only come from the router dropping the connection
                await("a forced reconnect").atMost(WAIT)
                        .until(() -> nats.getStatus() == Connection.Status.CONNECTED
                                && nats.getServerInfo().getClientId() != reconnectedAs);
            } finally {
                server.restart();
                server.closeSharedConnections();
            }
            EventEnvelope<?> after = EventEnvelope.of(Channels.user(user),
                    new NotificationMessage("t", "after the outage", "normal", "admin"));
            await("the stream takes events again").atMost(WAIT).ignoreExceptions()
                    .until(() -> TestBus.publish(after, after.id()) != null);
            assertThat(client.await(frame -> after.id().equals(frame.path("id").asText()), WAIT)
                    .path("data").path("message").asText()).isEqualTo("after the outage");
        }
    }
}
