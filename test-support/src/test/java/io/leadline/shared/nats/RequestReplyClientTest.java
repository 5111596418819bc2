package io.leadline.shared.nats;

import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.leadline.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RequestReplyClient} against a real nats-server, asking as payments-service asks leads-service.
 * It lives here rather than in src-shared because src-shared cannot depend on test-support, which
 * depends on it.
 */
class RequestReplyClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final UsersExistRequest REQUEST = new UsersExistRequest(List.of("7"));

    private static NatsTestServer server;
    private static RequestReplyClient client;

    @BeforeAll
    static void start() {
        server = NatsTestServer.start();
        client = new RequestReplyClient(server.connection(NatsIdentity.PAYMENTS));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAnswerIsDecodedIntoTheReplyType() throws Exception {
        try (Connection leads = answering(message -> {
            UsersExistRequest asked = JsonCodec.decode(message.getData(), UsersExistRequest.class);
            message.getConnection().publish(message.getReplyTo(), JsonCodec.encode(new UsersExistReply(asked.userIds())));
        })) {
            assertThat(ask()).contains(new UsersExistReply(List.of("7")));
        }
    }

    @Test
    void anEmptyBodyIsNoAnswer() throws Exception {
        try (Connection leads = answering(message -> message.getConnection().publish(message.getReplyTo(), new byte[0]))) {
            assertThat(ask()).isEmpty();
        }
    }

    @Test
    void aBodyThatIsNotTheReplyIsNoAnswer() throws Exception {
        try (Connection leads = answering(message ->
                message.getConnection().publish(message.getReplyTo(), "{\"existing_user_ids\":".getBytes()))) {
            assertThat(ask()).isEmpty();
        }
    }

    @Test
    void noResponderIsNoAnswerWithoutWaitingForTheTimeOut() {
        long started = System.nanoTime();
        assertThat(ask()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    }

    @Test
    void aResponderThatStaysSilentIsNoAnswerAfterTheTimeOut() throws Exception {
        try (Connection leads = answering(message -> {
        })) {
            long started = System.nanoTime();
            assertThat(ask()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TIMEOUT);
        }
    }

    @Test
    void noResponderIsReportedAsSuchAtOnceOnAConnectionThatReportsIt() throws Exception {
        try (Connection reporting = reportingNoResponders()) {
            // reported as no responders, so told apart from the time-out that a silent responder gives
            RequestReplyClient.Answer<UsersExistReply> answer = call(new RequestReplyClient(reporting));
            assertThat(answer.noResponders()).isTrue();
            assertThat(answer.reply()).isEmpty();
        }
    }

    @Test
    void aSilentResponderIsNotMistakenForNoResponders() throws Exception {
        try (Connection reporting = reportingNoResponders(); Connection leads = answering(message -> {
        })) {
            RequestReplyClient.Answer<UsersExistReply> answer = call(new RequestReplyClient(reporting));
            assertThat(answer.noResponders()).isFalse();
            assertThat(answer.reply()).isEmpty();
        }
    }

    /**
     * As the services connect (reportNoResponders), reaping timed-out requests every second rather than every
     * {@link io.leadline.testing.NatsTestServer#CLIENT_TIMEOUT}, so that a silent responder's time-out ends soon.
     */
    private static Connection reportingNoResponders() throws Exception {
        return Nats.connect(server.clientOptions(NatsIdentity.PAYMENTS).reportNoResponders()
                .requestCleanupInterval(Duration.ofSeconds(1)).build());
    }

    private static RequestReplyClient.Answer<UsersExistReply> call(RequestReplyClient asking) {
        return asking.call(LeadsSubjects.USERS_EXIST, REQUEST, UsersExistReply.class, TIMEOUT)
                .await().atMost(Duration.ofSeconds(60));
    }

    private static Optional<UsersExistReply> ask() {
        return client.requestAsync(LeadsSubjects.USERS_EXIST, REQUEST, UsersExistReply.class, TIMEOUT)
                .toCompletableFuture().join();
    }

    /** A connection as leads-service whose subscription is in place on the server before it is returned. */
    private static Connection answering(MessageHandler handler) throws Exception {
        Connection leads = server.connect(NatsIdentity.LEADS);
        Dispatcher dispatcher = leads.createDispatcher(handler);
        dispatcher.subscribe(LeadsSubjects.USERS_EXIST);
        leads.flush(TIMEOUT);
        return leads;
    }
}
