package io.leadline.payments.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * A stand-in for leads-service's account directory on the test's private NATS server, keeping the
 * {@code svc.leads.users-exist} contract: every id handed out by {@link Users#next()} is an account,
 * any other is not. It can go away (no responders) or hang (a subscriber that never answers), as an
 * unreachable leads-service would. (The real responder is tested in leads-service and across the
 * services in system-tests.)
 */
public final class TestDirectory {

    static final Set<Long> ACCOUNTS = ConcurrentHashMap.newKeySet();
    private static Dispatcher answering;
    private static Dispatcher silent;

    private TestDirectory() {
    }

    /** Starts answering (idempotent). */
    public static synchronized void start() {
        if (answering != null) {
            return;
        }
        answering = TestNats.connection().createDispatcher();
        answering.subscribe(LeadsSubjects.USERS_EXIST, TestDirectory::answer);
        flush();
    }

    /** Stops answering: a request finds no responder at all. */
    public static synchronized void stop() {
        if (answering != null) {
            TestNats.connection().closeDispatcher(answering);
            answering = null;
        }
        if (silent != null) {
            TestNats.connection().closeDispatcher(silent);
            silent = null;
        }
        flush();
    }

    /** Stops answering but keeps listening: a request waits for its time-out. */
    public static synchronized void hang() {
        stop();
        silent = TestNats.connection().createDispatcher();
        silent.subscribe(LeadsSubjects.USERS_EXIST, message -> {
        });
        flush();
    }

    private static void answer(Message request) {
        JsonNode ids = JsonCodec.tree(request.getData()).path("user_ids");
        List<String> existing = new ArrayList<>();
        ids.forEach(id -> {
            if (ACCOUNTS.contains(Long.parseLong(id.asText()))) {
                existing.add(id.asText());
            }
        });
        TestNats.connection().publish(request.getReplyTo(), JsonCodec.encode(new UsersExistReply(existing)));
    }

    private static void flush() {
        try {
            TestNats.connection().flush(Duration.ofSeconds(5));
        } catch (TimeoutException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
