package io.leadline.payments.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Message;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request turned away before it started is answered {@code busy}, distinct from {@code unavailable}
 * (started and failed, maybe booked): only {@code busy} tells the caller that nothing was charged.
 * One worker and a queue of one make the pool easy to fill.
 */
@QuarkusTest
@TestProfile(WalletBusyTests.OneWorker.class)
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class WalletBusyTests {

    public static class OneWorker implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("leadline.payments.rpc.max-in-flight", "2");
        }
    }

    @Inject
    TestDatabase dataSource;

    @Test
    void aRequestTurnedAwayBeforeItStartsIsBusyAndBooksNothing() throws Exception {
        long user = Users.next();
        WalletDebitTests.grant(user, 100);
        CompletableFuture<Message> working;
        CompletableFuture<Message> queued;
        JsonNode turnedAway;
        try (Connection otherTransaction = dataSource.getConnection()) {
            otherTransaction.setAutoCommit(false);
            try (PreparedStatement lock = otherTransaction.prepareStatement(
                    "SELECT balance FROM wallets WHERE user_id = ? FOR UPDATE")) {
                lock.setLong(1, user);
                lock.executeQuery().close();
            }
            // the only worker waits on the wallet row, the next request waits in the queue ...
            working = request(debit(user, "working-" + user));
            await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnALock() >= 1);
            queued = request(debit(user, "queued-" + user));
            // ... and the one after finds no room: answered at once, without a worker
            turnedAway = reply(request(debit(user, "turned-away-" + user)));
            otherTransaction.rollback();
        }
        assertThat(turnedAway.path("ok").asBoolean()).isFalse();
        assertThat(turnedAway.path("reason").asText()).isEqualTo(WalletReply.BUSY);
        assertThat(Db.scalar(dataSource, "SELECT count(*) FROM wallet_requests WHERE idempotency_key = ?",
                "turned-away-" + user)).isZero();

        // the two admitted debits both book, in whichever order the database lets them take the row
        assertThat(List.of(reply(working).path("new_balance").asLong(), reply(queued).path("new_balance").asLong()))
                .containsExactlyInAnyOrder(90L, 80L);
        // busy is never stored: the same key asked again is simply done
        JsonNode again = TestNats.request(PaymentSubjects.DEBIT, debit(user, "turned-away-" + user));
        assertThat(again.path("ok").asBoolean()).isTrue();
        assertThat(again.path("new_balance").asLong()).isEqualTo(70);
    }

    private long waitingOnALock() {
        return Db.scalar(dataSource, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock'");
    }

    /** A request whose answer may be held up for as long as the test holds the wallet row. */
    private static CompletableFuture<Message> request(String json) {
        return TestNats.connection().requestWithTimeout(PaymentSubjects.DEBIT, json.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(60));
    }

    private static JsonNode reply(CompletableFuture<Message> future) throws Exception {
        return JsonCodec.tree(future.get(60, TimeUnit.SECONDS).getData());
    }

    private static String debit(long user, String key) {
        return WalletDebitTests.debit(Long.toString(user), 10, key, "lead-" + key);
    }
}
