package io.leadline.leads.outbox;

import io.leadline.leads.support.ChannelListener;
import io.leadline.leads.support.Database;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.outbox.Outbox;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The shared outbox and its relay, on this service's real database and the test's NATS server. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class OutboxRelayTest {

    /** Over the NATS server's default max_payload (1 MiB), so the client refuses to send it. */
    private static final int OVERSIZE = 1024 * 1024 + 100_000;

    @Inject
    Database database;

    @Inject
    Outbox outbox;

    @Test
    void aRowThatCannotBeSentEndsTheBatchThereAndWhatWentBeforeIsMarkedPublished() throws Exception {
        String run = UUID.randomUUID().toString();
        String first = "first-" + run;
        String second = "second-" + run;
        String poison = "poison-" + run;
        String after = "after-" + run;
        try (ChannelListener leads = ChannelListener.on(Channels.LEADS)) {
            // written as an older version could have: a row the server refuses between good ones
            try (Connection connection = Database.connect()) {
                connection.setAutoCommit(false);
                insertRow(connection, first, "{\"marker\":\"" + first + "\"}");
                insertRow(connection, second, "{\"marker\":\"" + second + "\"}");
                insertRow(connection, poison, "{\"marker\":\"" + "x".repeat(OVERSIZE) + "\"}");
                insertRow(connection, after, "{\"marker\":\"" + after + "\"}");
                connection.commit();
            }
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> published(first) && published(second));
                // acknowledged by the stream is not yet delivered to this consumer: wait for the delivery
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> !leads.containing(first).isEmpty() && !leads.containing(second).isEmpty());
                assertThat(leads.containing(first)).hasSize(1);
                assertThat(leads.containing(second)).hasSize(1);
                // the batch stopped at the poison row: nothing behind it overtook it
                assertThat(published(poison)).isFalse();
                assertThat(published(after)).isFalse();
            } finally {
                database.count("WITH gone AS (DELETE FROM outbox WHERE event_id = ? RETURNING 1) SELECT count(*) FROM gone",
                        poison);
            }
            // with the bad row gone, the relay goes on in order
            await().atMost(Duration.ofSeconds(20)).until(() -> published(after));
            await().atMost(Duration.ofSeconds(20)).until(() -> leads.containing(after).size() == 1);
        }
    }

    @Test
    void appendRefusesAnEventTheServerWouldNeverAccept() {
        long rowsBefore = database.rows("outbox");
        LeadAlert huge = new LeadAlert("1", LeadAlert.COMPETITION, "too big", "x".repeat(OVERSIZE), "low", null, null, null);
        Throwable thrown = catchThrowable(() -> VertxContextSupport.subscribeAndAwait(() -> outbox.inTransaction(() -> outbox.appendAll(List.of(
                new Outbox.Pending(Channels.user(1), new LeadAlert("1", LeadAlert.COMPETITION, "fine", "small", "low",
                        null, null, null)),
                new Outbox.Pending(Channels.user(1), huge))))));
        Throwable cause = thrown;
        while (cause != null && !(cause instanceof Outbox.EventTooLargeException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("cause chain of %s", thrown).isInstanceOf(Outbox.EventTooLargeException.class)
                .hasMessageContaining("lead_alert")
                .hasMessageContaining("max_payload");
        assertThat(database.rows("outbox")).isEqualTo(rowsBefore); // the whole transaction rolled back
    }

    @Test
    void appendRefusesAnEventAnotherServiceOwns() {
        long rowsBefore = database.rows("outbox");
        Throwable thrown = catchThrowable(() -> VertxContextSupport.subscribeAndAwait(() -> outbox.inTransaction(() -> outbox.append(
                Channels.user(1), new NotificationMessage("not ours", "notify-service sends these", "low", "test")))));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notification_message is published by notify");
        assertThat(database.rows("outbox")).isEqualTo(rowsBefore);
    }

    private boolean published(String eventId) {
        return database.count("SELECT count(*) FROM outbox WHERE event_id = ? AND published_at IS NOT NULL", eventId) == 1;
    }

    private static void insertRow(Connection connection, String eventId, String payload) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (event_id, subject, event_type, payload) VALUES (?, 'ch.leads.leads', 'test', ?)")) {
            insert.setString(1, eventId);
            insert.setString(2, payload);
            insert.executeUpdate();
        }
    }
}
