package io.leadline.notify.outbox;

import io.leadline.notify.TestDatabase;
import io.leadline.shared.outbox.OutboxRelay;
import io.leadline.shared.outbox.RelayStatements;
import io.leadline.testing.LeadlineTestResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** notify's relay on the reactive client keeps the JDBC relay's guarantees, on the real database and NATS. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class OutboxRelayTest {

    /** Over the NATS server's default max_payload (1 MiB), so the client refuses to send it. */
    private static final int OVERSIZE = 1024 * 1024 + 100_000;

    @Inject
    OutboxRelay relay;

    @Inject
    MeterRegistry registry;

    @Test
    void aRowThatCannotBeSentEndsTheBatchThereAndWhatWentBeforeIsMarkedPublished() throws Exception {
        String run = UUID.randomUUID().toString();
        String first = "first-" + run;
        String poison = "poison-" + run;
        String after = "after-" + run;
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            insertRow(connection, first, "{\"marker\":\"" + first + "\"}");
            insertRow(connection, poison, "{\"marker\":\"" + "x".repeat(OVERSIZE) + "\"}");
            insertRow(connection, after, "{\"marker\":\"" + after + "\"}");
            connection.commit();
        }
        relay.wake();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> published(first));
            // a few more drains: the row behind the one that cannot be sent still waits for it
            Thread.sleep(2500);
            assertThat(published(poison)).isFalse();
            assertThat(published(after)).isFalse();
        } finally {
            try (Connection connection = TestDatabase.connect();
                    PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE event_id = ?")) {
                delete.setString(1, poison);
                delete.executeUpdate();
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> published(after));
    }

    @Test
    void nothingIsPublishedWhileAnotherInstanceHoldsTheRelayLock() throws Exception {
        double busyBefore = registry.counter("leadline.outbox.lock.busy").count();
        String eventId = "locked-" + UUID.randomUUID();
        try (Connection otherInstance = TestDatabase.connect()) {
            otherInstance.setAutoCommit(false);
            try (PreparedStatement lock = otherInstance.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, RelayStatements.ADVISORY_LOCK_KEY);
                lock.executeQuery().close();
            }
            try (Connection writer = TestDatabase.connect()) {
                insertRow(writer, eventId, "{\"marker\":\"" + eventId + "\"}");
            }
            relay.wake();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.counter("leadline.outbox.lock.busy").count() > busyBefore);
            assertThat(published(eventId)).isFalse();
            otherInstance.commit();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> published(eventId));
    }

    private static boolean published(String eventId) throws SQLException {
        try (Connection connection = TestDatabase.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT published_at IS NOT NULL FROM outbox WHERE event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void insertRow(Connection connection, String eventId, String payload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (event_id, subject, event_type, payload) VALUES (?, 'ch.notify.user.relay-test', 'test', ?)")) {
            insert.setString(1, eventId);
            insert.setString(2, payload);
            insert.executeUpdate();
        }
    }
}
