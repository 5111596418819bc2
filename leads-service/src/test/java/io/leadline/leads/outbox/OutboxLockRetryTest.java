package io.leadline.leads.outbox;

import io.leadline.leads.support.Database;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.outbox.Outbox;
import io.leadline.shared.outbox.RelayStatements;
import io.leadline.testing.LeadlineTestResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Another instance holding the relay's advisory lock when our events commit: the relay looks again
 * shortly instead of leaving them to the next poll. The poll is made an hour long here, so only the
 * retry can publish them.
 */
@QuarkusTest
@TestProfile(OutboxLockRetryTest.HourlyPoll.class)
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class OutboxLockRetryTest {

    public static class HourlyPoll implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            // retries spread over at least 60 s (more on a loaded machine), so the test can release the
            // lock whenever it is ready; they stop at the first drain that gets the lock
            return Map.of("leadline.outbox.poll-interval", "1h", "leadline.outbox.lock-retries", "3000");
        }
    }

    @Inject
    Database database;

    @Inject
    Outbox outbox;

    @Inject
    MeterRegistry registry;

    @Test
    void eventsCommittedWhileAnotherInstanceRelaysArePublishedWithoutWaitingForThePoll() throws Throwable {
        double busyBefore = registry.counter("leadline.outbox.lock.busy").count();
        String eventId;
        try (Connection otherInstance = Database.connect()) {
            otherInstance.setAutoCommit(false);
            try (PreparedStatement lock = otherInstance.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, RelayStatements.ADVISORY_LOCK_KEY);
                lock.executeQuery().close();
            }
            eventId = VertxContextSupport.subscribeAndAwait(() -> outbox.inTransaction(() -> outbox.append(Channels.user(7),
                    new LeadAlert("7", LeadAlert.COMPETITION, "hello", "while another relay works", "low", null, null,
                            null)))).id();
            // the wake after our commit found the lock taken
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.counter("leadline.outbox.lock.busy").count() > busyBefore);
            otherInstance.commit(); // the other instance is done, without having seen our event
        }
        String id = eventId;
        await().atMost(Duration.ofSeconds(20)).until(() -> database.count(
                "SELECT count(*) FROM outbox WHERE event_id = ? AND published_at IS NOT NULL", id) == 1);
    }
}
