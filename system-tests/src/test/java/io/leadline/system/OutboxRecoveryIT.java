package io.leadline.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.TestSocket;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.TestDatabases;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No event is lost when leads-service dies between commit and publish: the outbox row written with
 * the verified lead survives the crash and the restarted relay publishes it, once. And none is shown
 * twice when the relay publishes a row again after the stream's duplicate window.
 */
class OutboxRecoveryIT {

    private static final Logger LOG = Logger.getLogger(OutboxRecoveryIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Across services on a possibly loaded machine: generous. */
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(30);

    private static final String STREAM = "CHANNELS";

    private static Platform platform;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start(OutboxRecoveryIT.class);
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aLeadVerifiedWhileNatsIsDownReachesTheProviderOnceAfterLeadsServiceCrashes() throws Exception {
        Platform.User provider = platform.register("provider");
        String adminToken = platform.adminToken();
        TestSocket socket = subscribeToLeads(provider.token(), null);
        long seqBefore = socket.awaitType("subscribed", FRAME_TIMEOUT).json().path("seq").asLong();
        try {
            platform.nats().kill();

            String leadId = Leads.submit(platform, "Roof leak over the garage");
            Leads.verify(platform, adminToken, leadId);
            OutboxRow row = leadCreatedRow(leadId);
            assertThat(row.publishedAt()).as("outbox row of lead_created for lead %s while NATS is down", leadId)
                    .isNull();

            platform.leads().kill();
            platform.nats().startAgain();
            long natsBack = System.nanoTime();
            platform.notifyService().awaitReady();

            if (!socket.isOpen()) {
                LOG.infof("the gateway closed the socket (%s); reconnecting from seq %d", socket.closeCode(), seqBefore);
                socket.close();
                socket = subscribeToLeads(provider.token(), seqBefore);
                socket.awaitType("subscribed", FRAME_TIMEOUT);
            }

            platform.leads().start();

            await("the restarted relay publishes the row left behind").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(leadCreatedRow(leadId).publishedAt()).isNotNull());
            TestSocket receiver = socket;
            // notify's ordered consumer is recreated by the client library, which may take until its heartbeat alarm
            TestSocket.Frame frame = receiver.awaitFrame(FirstSliceIT.leadCreated(leadId), Duration.ofSeconds(60));
            LOG.infof("lead_created for lead %s arrived %d ms after NATS was back", leadId,
                    Duration.ofNanos(frame.receivedAtNanos() - natsBack).toMillis());
            // a later lead on the same channel: a second copy of the first one would have come before it
            String marker = Leads.submit(platform, "Gutter torn off in the storm");
            Leads.verify(platform, adminToken, marker);
            receiver.awaitFrame(FirstSliceIT.leadCreated(marker), FRAME_TIMEOUT);
            assertThat(receiver.count(FirstSliceIT.leadCreated(leadId))).isEqualTo(1);
        } finally {
            socket.close();
        }
    }

    @Test
    void aRowPublishedAgainAfterTheDuplicateWindowReachesClientsOnceEvenAcrossANotifyRestart() throws Exception {
        Platform.User provider = platform.register("provider");
        String adminToken = platform.adminToken();
        JetStreamManagement management = platform.nats().connection(NatsIdentity.PROVISIONER).jetStreamManagement();
        StreamConfiguration original = management.getStreamInfo(STREAM).getConfiguration();
        TestSocket live = subscribeToLeads(provider.token(), null);
        TestSocket resumed = null;
        TestSocket replaying = null;
        try {
            live.awaitType("subscribed", FRAME_TIMEOUT);
            String leadId = Leads.submit(platform, "Boiler pressure keeps dropping");
            Leads.verify(platform, adminToken, leadId);
            JsonNode first = live.awaitFrame(FirstSliceIT.leadCreated(leadId), FRAME_TIMEOUT).json();
            long firstSeq = first.path("seq").asLong();
            String eventId = first.path("id").asText();

            // a restarted gateway knows the first copy only from reading the stream back at start
            platform.notifyService().kill();
            platform.notifyService().start();
            live.close();
            resumed = subscribeToLeads(provider.token(), firstSeq);
            assertThat(resumed.awaitType("subscribed", FRAME_TIMEOUT).json().path("recovered").asBoolean()).isTrue();

            management.updateStream(StreamConfiguration.builder(original).duplicateWindow(Duration.ofSeconds(1)).build());
            // the relay publishes the row again with the same Nats-Msg-Id; once the stream has forgotten that id
            // it keeps the copy under a new seq (a copy inside the window is dropped, so the row is reset again)
            await("the stream holds a second copy of the event").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        MessageInfo last = management.getLastMessage(STREAM, "ch.leads.leads");
                        if (last.getSeq() > firstSeq && eventId.equals(parse(new String(last.getData(),
                                java.nio.charset.StandardCharsets.UTF_8)).path("id").asText())) {
                            return true;
                        }
                        markUnpublished(eventId);
                        return false;
                    });

            String marker = Leads.submit(platform, "Window seal letting water in");
            Leads.verify(platform, adminToken, marker);
            // routed in stream order: a copy would have come before the marker
            resumed.awaitFrame(FirstSliceIT.leadCreated(marker), FRAME_TIMEOUT);
            assertThat(resumed.count(FirstSliceIT.leadCreated(leadId))).as("live after resuming from the first copy")
                    .isZero();

            replaying = subscribeToLeads(provider.token(), firstSeq - 1);
            assertThat(replaying.awaitType("subscribed", FRAME_TIMEOUT).json().path("recovered").asBoolean()).isTrue();
            replaying.awaitFrame(FirstSliceIT.leadCreated(marker), FRAME_TIMEOUT);
            assertThat(replaying.frames()).filteredOn(frame -> frame.json() != null
                    && FirstSliceIT.leadCreated(leadId).test(frame.json()))
                    .extracting(frame -> frame.json().path("seq").asLong())
                    .as("replayed from before the first copy").containsExactly(firstSeq);
        } finally {
            management.updateStream(original);
            live.close();
            if (resumed != null) {
                resumed.close();
            }
            if (replaying != null) {
                replaying.close();
            }
        }
    }

    /** Sets the row of this event back to unpublished, as a relay that died before marking it leaves it. */
    private static void markUnpublished(String eventId) throws SQLException {
        try (Connection connection = TestDatabases.connect(platform.leads().database());
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE outbox SET published_at = NULL WHERE event_id = ?")) {
            update.setString(1, eventId);
            assertThat(update.executeUpdate()).as("outbox rows of event %s", eventId).isEqualTo(1);
        }
    }

    private TestSocket subscribeToLeads(String token, Long since) {
        TestSocket socket = TestSocket.connect(platform.notifyService().wsUri("/ws"), token);
        socket.awaitType("connected", FRAME_TIMEOUT);
        socket.sendJson(since == null ? Map.of("type", "subscribe", "channel", "leads")
                : Map.of("type", "subscribe", "channel", "leads", "since", since));
        return socket;
    }

    private record OutboxRow(long seq, Timestamp publishedAt) {
    }

    /** The one lead_created row of this lead in leads-service's outbox. */
    private static OutboxRow leadCreatedRow(String leadId) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (Connection connection = TestDatabases.connect(platform.leads().database());
                PreparedStatement select = connection.prepareStatement(
                        "SELECT seq, payload, published_at FROM outbox WHERE event_type = 'lead_created' ORDER BY seq")) {
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    JsonNode envelope = parse(rs.getString(2));
                    if (leadId.equals(envelope.path("data").path("id").asText())) {
                        rows.add(new OutboxRow(rs.getLong(1), rs.getTimestamp(3)));
                    }
                }
            }
        }
        assertThat(rows).as("lead_created outbox rows of lead %s", leadId).hasSize(1);
        return rows.get(0);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
