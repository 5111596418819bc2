package io.leadline.system;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.nats.security.NatsSetup;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.testing.NatsTestServer;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The NATS permission model, on a server configured exactly as `./leadline up` configures its own
 * ({@link NatsSetup}): no anonymous access, and each service allowed only what it needs. Every refusal
 * is checked at its effect (nothing delivered, stored or answered), not only by the error the server
 * reports, and each refused action is paired with the owner doing the same successfully.
 */
class NatsPermissionsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofSeconds(2);

    private static NatsTestServer nats;

    @BeforeAll
    static void start() {
        nats = NatsTestServer.start();
    }

    @AfterAll
    static void stop() {
        nats.close();
    }

    @Test
    void aClientWithoutCredentialsOrWithWrongOnesCannotConnect() {
        assertThatThrownBy(() -> Nats.connect(Options.builder().server(nats.url()).maxReconnects(0)
                .connectionTimeout(Duration.ofSeconds(5)).build()))
                .isInstanceOfAny(AuthenticationException.class, IOException.class);
        assertThatThrownBy(() -> Nats.connect(Options.builder().server(nats.url()).maxReconnects(0)
                .userInfo(NatsIdentity.PAYMENTS.user(), "not-the-password").connectionTimeout(Duration.ofSeconds(5)).build()))
                .isInstanceOfAny(AuthenticationException.class, IOException.class);
    }

    @Test
    void onlyLeadsServiceMayAskPaymentsServiceForMoney() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        Connection payments = nats.connect(NatsIdentity.PAYMENTS);
        Dispatcher responder = payments.createDispatcher(request -> {
            asked.add(new String(request.getData(), StandardCharsets.UTF_8));
            payments.publish(request.getReplyTo(), "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        responder.subscribe(PaymentSubjects.CREDIT);
        responder.subscribe(PaymentSubjects.VOID);
        payments.flush(WAIT);
        for (String subject : List.of(PaymentSubjects.CREDIT, PaymentSubjects.VOID)) {
            try (Recorder notify = Recorder.connect(NatsIdentity.NOTIFY)) {
                Message refused = request(notify.connection, subject, "{\"user_id\":\"1\",\"amount\":1000000}");
                assertThat(refused == null || refused.isStatusMessage()).as("no answer for notify on %s", subject)
                        .isTrue();
                notify.awaitViolation(subject);
            }
        }
        Message answered = request(nats.connection(NatsIdentity.LEADS), PaymentSubjects.CREDIT, "{\"from\":\"leads\"}");
        assertThat(answered).isNotNull();
        assertThat(request(nats.connection(NatsIdentity.LEADS), PaymentSubjects.VOID, "{\"void\":\"leads\"}"))
                .isNotNull();
        assertThat(asked).containsExactly("{\"from\":\"leads\"}", "{\"void\":\"leads\"}");
        payments.close();
    }

    @Test
    void notifyCannotPublishOnAUsersChannelForAnotherServiceNorOnTheBareSubject() throws Exception {
        long before = messages("ch.*.user.1");
        EventEnvelope<BalanceUpdated> forged = EventEnvelope.of("user.1", new BalanceUpdated(1_000_000, 0, 1_000_000, "gift", "x"));
        try (Recorder notify = Recorder.connect(NatsIdentity.NOTIFY)) {
            for (String subject : List.of("ch.user.1", Channels.subjectOf(forged), "ch.leads.user.1")) {
                notify.connection.publish(subject, JsonCodec.encode(forged));
                notify.awaitViolation(subject);
            }
        }
        assertThat(messages("ch.*.user.1")).isEqualTo(before);
        // its own notifications it may publish, on its own subjects
        EventEnvelope<NotificationMessage> own = EventEnvelope.of("user.1", new NotificationMessage("Hi", "from notify", "low", "admin"));
        nats.connection(NatsIdentity.NOTIFY).jetStream().publish(Channels.subjectOf(own), JsonCodec.encode(own));
        assertThat(messages("ch.*.user.1")).isEqualTo(before + 1);
    }

    @Test
    void onlyPaymentsServiceMayWriteTheEscrowPartiesBucketAndNobodyMayDeleteIt() throws Exception {
        String escrow = "perm-" + System.nanoTime();
        for (NatsIdentity intruder : List.of(NatsIdentity.LEADS, NatsIdentity.NOTIFY)) {
            try (Recorder recorder = Recorder.connect(intruder)) {
                assertThatThrownBy(() -> recorder.connection.keyValue(EscrowPartiesBucket.NAME)
                        .put(escrow, JsonCodec.encode(new EscrowPartiesBucket.Parties("666", "667"))))
                        .as("%s writing the bucket", intruder).isInstanceOfAny(IOException.class, JetStreamApiException.class,
                                RuntimeException.class);
            }
        }
        assertThat(nats.connection(NatsIdentity.NOTIFY).keyValue(EscrowPartiesBucket.NAME).get(escrow)).isNull();

        nats.connection(NatsIdentity.PAYMENTS).keyValue(EscrowPartiesBucket.NAME)
                .put(escrow, JsonCodec.encode(new EscrowPartiesBucket.Parties("1", "2")));
        assertThat(nats.connection(NatsIdentity.NOTIFY).keyValue(EscrowPartiesBucket.NAME).get(escrow)).isNotNull();

        for (NatsIdentity service : List.of(NatsIdentity.LEADS, NatsIdentity.PAYMENTS, NatsIdentity.NOTIFY)) {
            try (Recorder recorder = Recorder.connect(service)) {
                assertThatThrownBy(() -> recorder.connection.keyValueManagement().delete(EscrowPartiesBucket.NAME))
                        .as("%s deleting the bucket", service).isNotNull();
                assertThatThrownBy(() -> recorder.connection.jetStreamManagement().purgeStream("CHANNELS"))
                        .as("%s purging the stream", service).isNotNull();
                assertThatThrownBy(() -> recorder.connection.jetStreamManagement().updateStream(
                        StreamConfiguration.builder(streamInfo().getConfiguration()).maxAge(Duration.ofSeconds(1)).build()))
                        .as("%s shortening the stream's history", service).isNotNull();
            }
        }
        assertThat(nats.connection(NatsIdentity.NOTIFY).keyValue(EscrowPartiesBucket.NAME).get(escrow)).isNotNull();
        assertThat(streamInfo().getConfiguration().getMaxAge()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void eachServicePublishesOnlyTheEventsItOwns() throws Exception {
        record Attempt(NatsIdentity who, String subject) {
        }
        for (Attempt attempt : List.of(new Attempt(NatsIdentity.LEADS, "ch.payments.payments.monitor"),
                new Attempt(NatsIdentity.LEADS, "ch.payments.escrow.9"), new Attempt(NatsIdentity.LEADS, "ch.notify.user.9"),
                new Attempt(NatsIdentity.PAYMENTS, "ch.leads.leads"), new Attempt(NatsIdentity.PAYMENTS, "ch.leads.user.9"),
                new Attempt(NatsIdentity.NOTIFY, "ch.leads.leads"), new Attempt(NatsIdentity.NOTIFY, "ch.payments.escrow.9"),
                new Attempt(NatsIdentity.PROVISIONER, "ch.leads.leads"))) {
            try (Recorder recorder = Recorder.connect(attempt.who())) {
                recorder.connection.publish(attempt.subject(), "{}".getBytes(StandardCharsets.UTF_8));
                recorder.awaitViolation(attempt.subject());
            }
        }
    }

    @Test
    void noServiceCanReadAnothersRepliesOrAnswerAnothersRequests() throws Exception {
        for (NatsIdentity spy : List.of(NatsIdentity.NOTIFY, NatsIdentity.PAYMENTS)) {
            try (Recorder recorder = Recorder.connect(spy)) {
                recorder.connection.createDispatcher(message -> {
                }).subscribe(NatsIdentity.LEADS.inboxPrefix() + ".>");
                recorder.awaitViolation(NatsIdentity.LEADS.inboxPrefix());
            }
        }
        try (Recorder notify = Recorder.connect(NatsIdentity.NOTIFY)) {
            notify.connection.createDispatcher(message -> {
            }).subscribe(PaymentSubjects.DEBIT);
            notify.awaitViolation(PaymentSubjects.DEBIT);
        }
        try (Recorder payments = Recorder.connect(NatsIdentity.PAYMENTS)) {
            payments.connection.createDispatcher(message -> {
            }).subscribe(LeadsSubjects.USERS_BY_ROLE);
            payments.awaitViolation(LeadsSubjects.USERS_BY_ROLE);
        }
    }

    @Test
    void theGeneratedConfigurationAndPasswordsAreReadableOnlyByTheirOwner() throws Exception {
        java.nio.file.Path dir = nats.passwordFile(NatsIdentity.LEADS).getParent();
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path file : files.toList()) {
                assertThat(java.nio.file.Files.getPosixFilePermissions(file)).as(file.toString())
                        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    private static Message request(Connection connection, String subject, String body) throws InterruptedException {
        return connection.request(subject, body.getBytes(StandardCharsets.UTF_8), SHORT);
    }

    private static long messages(String filter) throws Exception {
        return nats.connection(NatsIdentity.PROVISIONER).jetStreamManagement()
                .getStreamInfo("CHANNELS", io.nats.client.api.StreamInfoOptions.filterSubjects(filter))
                .getStreamState().getSubjectMap() == null ? 0
                : nats.connection(NatsIdentity.PROVISIONER).jetStreamManagement()
                        .getStreamInfo("CHANNELS", io.nats.client.api.StreamInfoOptions.filterSubjects(filter))
                        .getStreamState().getSubjectMap().values().stream().mapToLong(Long::longValue).sum();
    }

    private static StreamInfo streamInfo() throws Exception {
        return nats.connection(NatsIdentity.PROVISIONER).jetStreamManagement().getStreamInfo("CHANNELS");
    }

    /** A connection that records the errors the server sends it (permission violations among them). */
    private static final class Recorder implements AutoCloseable {

        final List<String> errors = new CopyOnWriteArrayList<>();
        final Connection connection;

        private Recorder(NatsIdentity identity) throws Exception {
            connection = Nats.connect(Options.builder().server(nats.url()).maxReconnects(0)
                    .userInfo(identity.user(), NatsSetup.readPassword(nats.passwordFile(identity)))
                    .inboxPrefix(identity.inboxPrefix())
                    .errorListener(new ErrorListener() {
                        @Override
                        public void errorOccurred(Connection conn, String error) {
                            errors.add(error);
                        }
                    }).build());
        }

        static Recorder connect(NatsIdentity identity) throws Exception {
            return new Recorder(identity);
        }

        void awaitViolation(String subject) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(errors)
                    .anySatisfy(error -> assertThat(error).containsIgnoringCase("permissions violation").contains(subject)));
        }

        @Override
        public void close() throws InterruptedException {
            connection.close();
        }
    }
}
