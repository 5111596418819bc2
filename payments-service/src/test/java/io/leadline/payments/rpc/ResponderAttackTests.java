package io.leadline.payments.rpc;

import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.nats.ReactiveResponder;
import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.testing.LeadlineTestResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile or broken process on the bus can do to a {@link ReactiveResponder}: choose where the
 * answer goes, and what the handler does with a request.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class ResponderAttackTests {

    private static final byte[] FAILED = "failed".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BUSY = "busy".getBytes(StandardCharsets.UTF_8);

    @Inject
    Connection nats;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    /**
     * The responder may publish on the reply subject whatever its own permissions (allow_responses): a
     * requester naming a subject only payments-service may publish on as its reply (one of its event
     * subjects, a key of the escrow-parties bucket) would have payments-service write its answer there.
     * Only an inbox is answered; anything else is refused and counted.
     */
    @Test
    void aReplySubjectThatIsNoInboxIsNotAnswered() throws Exception {
        Connection provisioner = LeadlineTestResources.nats().connect(NatsIdentity.PROVISIONER);
        try {
            JetStreamManagement jsm = provisioner.jetStreamManagement();
            long user = Users.next();
            String event = "ch.payments.user." + user;
            String key = "$KV." + EscrowPartiesBucket.streamName().substring("KV_".length()) + ".forged-" + user;
            // leads-service may ask for a debit; it names payments-only subjects as where the answer goes
            Connection leads = TestNats.connection();
            leads.publish(PaymentSubjects.DEBIT, event, "{}".getBytes(StandardCharsets.UTF_8));
            leads.publish(PaymentSubjects.CREDIT, key, "{}".getBytes(StandardCharsets.UTF_8));
            leads.flush(Duration.ofSeconds(10));
            // a genuine request after them has been answered: they have been handled too
            assertThat(TestNats.request(PaymentSubjects.DEBIT, "{}").path("reason").asText())
                    .isEqualTo(WalletReply.INVALID_REQUEST);
            Thread.sleep(1000);
            assertThat(lastOn(jsm, StreamLimits.DEFAULTS.name(), event)).as(event).isNull();
            assertThat(lastOn(jsm, EscrowPartiesBucket.streamName(), key)).as(key).isNull();
        } finally {
            provisioner.close();
        }
    }

    private static String lastOn(JetStreamManagement jsm, String stream, String subject) throws Exception {
        try {
            return new String(jsm.getLastMessage(stream, subject).getData(), StandardCharsets.UTF_8);
        } catch (JetStreamApiException e) {
            return null; // no message on that subject
        }
    }

    /** A handler that throws an Error, or returns no Uni at all, is answered and frees its place. */
    @Test
    void aHandlerThrowingAnErrorOrReturningNullIsAnsweredAndReleased() throws Exception {
        // leads-service does not run here and no test double answers svc.leads.users-by-role (TestDirectory
        // answers users-exist): the subject is free, and notify may ask on it
        ReactiveResponder.Handler throwing = data -> {
            throw new StackOverflowError("deep");
        };
        ReactiveResponder.Handler noUni = data -> null;
        Connection notify = LeadlineTestResources.nats().connect(NatsIdentity.NOTIFY);
        try {
            for (ReactiveResponder.Handler handler : List.of(throwing, noUni)) {
                Connection leads = LeadlineTestResources.nats().connect(NatsIdentity.LEADS);
                ReactiveResponder responder = new ReactiveResponder(leads, registry, vertx, 1)
                        .answer(LeadsSubjects.USERS_BY_ROLE, "probe", handler, BUSY, FAILED, null);
                leads.flush(Duration.ofSeconds(10)); // the server knows the subscription before anyone asks
                try {
                    // one place in flight: a place kept by the first would make the next ones busy
                    for (int i = 0; i < 3; i++) {
                        Message reply = notify.request(LeadsSubjects.USERS_BY_ROLE, new byte[0], Duration.ofSeconds(5));
                        assertThat(reply).as("answer %d", i).isNotNull();
                        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("failed");
                    }
                } finally {
                    responder.stop();
                    leads.close();
                }
            }
        } finally {
            notify.close();
        }
    }
}
