package io.leadline.system;

import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.system.harness.Platform;
import io.leadline.testing.TestDatabases;
import io.restassured.response.Response;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Claims while payments-service is down. Claims whose debit was on its way when it died (it was frozen
 * with SIGSTOP, so nobody read them, then SIGKILLed) end in 503 after the payment time-out, with an
 * unknown outcome; claims made while it is gone get a 503 at once (NATS reports no responders) and hold
 * no slot. Once it is back, the settler voids the unknown ones: no money moves for a debit that never
 * happened (no charge followed by a refund), every wallet equals its ledger, every confirmed claim is
 * charged exactly once. A SIGTERM variant stops it gracefully while claims are under way. Measures the
 * 503 latency during the outage and the time to settle after the restart ({@code payments outage:}).
 */
class PaymentsOutageIT {

    private static final Logger LOG = Logger.getLogger(PaymentsOutageIT.class);
    /**
     * Longer than the usual 5 s, so that a 503 well within it cannot be a time-out even on a loaded
     * machine: those come from "no responders".
     */
    private static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FAST_503_BOUND = Duration.ofSeconds(10);
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    /** plumbing: 25 credits, at most 3 claims (leads-service's application.properties). */
    private static final int PRICE = 25;
    private static final int FUNDS = 100;
    private static final int IN_FLIGHT = 6;
    private static final int DURING_OUTAGE = 20;
    private static final String UNAVAILABLE = "payments are unavailable; nothing was claimed, try again";

    private static Platform platform;
    private static String adminToken;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start(PaymentsOutageIT.class, started -> started.leads()
                .property("leadline.claims.settle-interval", "1s")
                .property("leadline.claims.payment-timeout", PAYMENT_TIMEOUT.toSeconds() + "s"));
        adminToken = platform.adminToken();
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void claimsDuringAnOutageFailFastTakeNoMoneyAndTheUnknownOnesSettleWithoutARefund() throws Exception {
        List<Platform.User> providers = IntStream.range(0, IN_FLIGHT + 4).parallel()
                .mapToObj(i -> platform.register("provider")).toList();
        providers.forEach(provider -> Wallets.grant(platform, adminToken, provider.id(), FUNDS));
        Platform.User paidBefore = providers.get(0);
        assertThat(claim(paidBefore, verifiedLead("Paid before the outage")).statusCode()).isEqualTo(201);

        // in flight when payments-service dies: received by nobody, then the process is gone
        List<String> inFlightLeads = List.of(verifiedLead("In flight A"), verifiedLead("In flight B"));
        List<Platform.User> inFlight = providers.subList(1, 1 + IN_FLIGHT);
        platform.payments().suspend();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (DebitWatch debits = new DebitWatch(inFlight)) {
            for (int i = 0; i < IN_FLIGHT; i++) {
                answers.add(HTTP.sendAsync(claimRequest(inFlight.get(i), inFlightLeads.get(i % 2),
                        "in-flight-" + UUID.randomUUID()), HttpResponse.BodyHandlers.ofString()));
            }
            // each one is on its way to the frozen process too: killing it now leaves them all unanswered
            await().atMost(Duration.ofSeconds(60)).until(() -> debits.seen() == IN_FLIGHT);
        }
        platform.payments().kill();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(CLAIM_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.body()).contains("payments did not answer in time");
        }
        assertThat(countClaims(inFlightLeads, "voiding")).as("outcome unknown: left to the settler")
                .isEqualTo(IN_FLIGHT);

        // claims while it is gone: 503 at once, and the slot is given back by the claim itself
        List<Platform.User> duringOutage = providers.subList(1 + IN_FLIGHT, providers.size());
        List<String> outageLeads = List.of(verifiedLead("Outage A"), verifiedLead("Outage B"),
                verifiedLead("Outage C"));
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < DURING_OUTAGE; i++) {
            long started = System.nanoTime();
            Response refused = Leads.claim(platform, duringOutage.get(i % duringOutage.size()).token(),
                    outageLeads.get(i % outageLeads.size()), "outage-" + UUID.randomUUID());
            latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.jsonPath().getString("detail")).isEqualTo(UNAVAILABLE);
            assertThat(countClaims(outageLeads, "pending") + countClaims(outageLeads, "confirmed"))
                    .as("no slot held after the answer").isZero();
        }
        assertThat(countClaims(outageLeads, "released")).isEqualTo(DURING_OUTAGE);
        assertThat(latencies).as("a 503 from no responders, never the %s time-out", PAYMENT_TIMEOUT)
                .allMatch(millis -> millis < FAST_503_BOUND.toMillis());
        assertThat(countClaims(inFlightLeads, "voiding")).as("nothing to settle with payments gone")
                .isEqualTo(IN_FLIGHT);

        long restarting = System.nanoTime();
        platform.payments().start();
        long ready = System.nanoTime();
        await().atMost(SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> countClaims(inFlightLeads, "voiding") == 0);
        long settled = System.nanoTime();

        assertThat(outcomes(inFlightLeads)).as("voided: never charged, nothing refunded").containsOnlyKeys("voided")
                .containsEntry("voided", (long) IN_FLIGHT);
        for (String key : debitKeys(inFlightLeads)) {
            assertThat(walletRequestReason(key)).as("the key of a debit that never happened is consumed")
                    .isEqualTo("voided");
        }
        for (Platform.User provider : inFlight) {
            assertThat(Wallets.balance(platform, provider.token())).isEqualTo(FUNDS);
            assertThat(ledgerKinds(provider)).as("the grant alone: no debit, no refund").containsExactly("grant");
        }
        assertMoneyConsistent();

        // the same providers claim again once payments-service is back: charged once
        for (int i = 0; i < IN_FLIGHT; i++) {
            Response retried = claim(inFlight.get(i), inFlightLeads.get(i % 2));
            assertThat(retried.statusCode()).as(retried.asString()).isEqualTo(201);
            assertThat(retried.jsonPath().getLong("new_balance")).isEqualTo(FUNDS - PRICE);
        }
        assertMoneyConsistent();

        LOG.infof("payments outage: %d claims during the outage answered 503 in p50 %d ms, max %d ms; %d claims in "
                        + "flight at the SIGKILL voided %d ms after payments-service was ready again (its restart took "
                        + "%d ms), no refund booked", DURING_OUTAGE, percentile(latencies, 50),
                percentile(latencies, 100), IN_FLIGHT, TimeUnit.NANOSECONDS.toMillis(settled - ready),
                TimeUnit.NANOSECONDS.toMillis(ready - restarting));
    }

    /**
     * SIGTERM while claims are under way: payments-service stops taking requests and answers those it has;
     * whichever way each claim ends (paid, refused fast, or unknown and settled), money and claims agree.
     */
    @Test
    void aGracefulStopDuringClaimsLeavesMoneyAndClaimsInAgreement() throws Exception {
        List<Platform.User> providers = IntStream.range(0, 6).parallel()
                .mapToObj(i -> platform.register("provider")).toList();
        providers.forEach(provider -> Wallets.grant(platform, adminToken, provider.id(), FUNDS));
        List<String> leads = List.of(verifiedLead("Graceful A"), verifiedLead("Graceful B"));

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (DebitWatch debits = new DebitWatch(providers)) {
            for (int i = 0; i < providers.size(); i++) {
                answers.add(HTTP.sendAsync(claimRequest(providers.get(i), leads.get(i % 2),
                        "graceful-" + UUID.randomUUID()), HttpResponse.BodyHandlers.ofString()));
            }
            // SIGTERM once the first debit is on its way, while the others are still coming
            await().atMost(Duration.ofSeconds(60)).until(() -> debits.seen() > 0);
        }
        platform.payments().stop();
        Map<Integer, Integer> statuses = new HashMap<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            int status = answer.get(CLAIM_TIMEOUT.toSeconds(), TimeUnit.SECONDS).statusCode();
            assertThat(status).isIn(201, 503);
            statuses.merge(status, 1, Integer::sum);
        }
        Response stopped = Leads.claim(platform, providers.get(0).token(), verifiedLead("Graceful C"),
                "stopped-" + UUID.randomUUID());
        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.jsonPath().getString("detail")).isEqualTo(UNAVAILABLE);

        platform.payments().start();
        await().atMost(SETTLE_TIMEOUT).until(() -> countClaims(leads, "voiding") + countClaims(leads, "pending") == 0);
        assertThat(countClaims(leads, "confirmed")).isEqualTo((long) statuses.getOrDefault(201, 0));
        assertMoneyConsistent();
        LOG.infof("payments outage: SIGTERM during %d claims: %s", providers.size(), statuses);
    }

    /**
     * A second subscriber of {@code svc.payments.debit}, as payments' own NATS user, that counts the users
     * whose debit reached NATS. It never answers, and is gone once closed.
     */
    private static final class DebitWatch implements AutoCloseable {

        private final io.nats.client.Connection connection = platform.nats().connect(NatsIdentity.PAYMENTS);
        private final Set<String> seen = ConcurrentHashMap.newKeySet();

        DebitWatch(List<Platform.User> users) throws Exception {
            Set<String> ids = new HashSet<>(users.stream().map(Platform.User::id).toList());
            connection.createDispatcher(message -> {
                String userId = JsonCodec.tree(message.getData()).path("user_id").asText();
                if (ids.contains(userId)) {
                    seen.add(userId);
                }
            }).subscribe(PaymentSubjects.DEBIT);
            connection.flush(Duration.ofSeconds(30));
        }

        int seen() {
            return seen.size();
        }

        @Override
        public void close() throws InterruptedException {
            connection.close();
        }
    }

    /**
     * Every wallet equals its ledger and nothing is negative; every confirmed claim has its one debit; a debit
     * of a claim that was not confirmed (booked, but its answer lost) has exactly one refund, and nothing
     * else is refunded.
     */
    private static void assertMoneyConsistent() throws SQLException {
        try (Connection payments = TestDatabases.connect(platform.payments().database())) {
            assertThat(scalar(payments, """
                    SELECT count(*) FROM wallets w
                    WHERE w.balance <> (SELECT coalesce(sum(change), 0) FROM ledger_entries e WHERE e.user_id = w.user_id)
                    """)).as("wallets whose balance is not their ledger's sum").isZero();
            assertThat(scalar(payments, "SELECT count(*) FROM ledger_entries WHERE balance_after < 0")).isZero();
            Set<String> debited = strings(payments, "SELECT substring(idempotency_key FROM 7) FROM ledger_entries "
                    + "WHERE kind = 'debit'");
            Set<String> refunded = strings(payments, "SELECT substring(idempotency_key FROM 8) FROM ledger_entries "
                    + "WHERE kind = 'credit'");
            Set<String> confirmed = new HashSet<>();
            try (Connection leads = TestDatabases.connect(platform.leads().database())) {
                for (String key : strings(leads, "SELECT payment_key::text FROM claims WHERE status = 'confirmed'")) {
                    confirmed.add("lead-claim-" + key);
                }
            }
            assertThat(debited).as("every confirmed claim is charged").containsAll(confirmed);
            Set<String> debitedNotConfirmed = new HashSet<>(debited);
            debitedNotConfirmed.removeAll(confirmed);
            Set<String> expectedRefunds = new HashSet<>();
            debitedNotConfirmed.forEach(key -> expectedRefunds.add(key + "-refund"));
            assertThat(refunded).as("refunds: exactly the debits of claims that were not confirmed")
                    .isEqualTo(expectedRefunds);
        }
    }

    private static List<String> ledgerKinds(Platform.User user) throws SQLException {
        List<String> kinds = new ArrayList<>();
        try (Connection payments = TestDatabases.connect(platform.payments().database());
                PreparedStatement select = payments.prepareStatement(
                        "SELECT kind FROM ledger_entries WHERE user_id = ? ORDER BY id")) {
            select.setLong(1, Long.parseLong(user.id()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    kinds.add(rows.getString(1));
                }
            }
        }
        return kinds;
    }

    private static long countClaims(List<String> leadIds, String status) throws SQLException {
        long count = 0;
        try (Connection leads = TestDatabases.connect(platform.leads().database())) {
            for (String leadId : leadIds) {
                count += scalar(leads, "SELECT count(*) FROM claims WHERE lead_id = " + Long.parseLong(leadId)
                        + " AND status = '" + status + "'");
            }
        }
        return count;
    }

    private static Map<String, Long> outcomes(List<String> leadIds) throws SQLException {
        Map<String, Long> outcomes = new HashMap<>();
        try (Connection leads = TestDatabases.connect(platform.leads().database())) {
            for (String leadId : leadIds) {
                try (PreparedStatement select = leads.prepareStatement(
                        "SELECT outcome, count(*) FROM claims WHERE lead_id = ? GROUP BY outcome")) {
                    select.setLong(1, Long.parseLong(leadId));
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            outcomes.merge(rows.getString(1), rows.getLong(2), Long::sum);
                        }
                    }
                }
            }
        }
        return outcomes;
    }

    private static List<String> debitKeys(List<String> leadIds) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection leads = TestDatabases.connect(platform.leads().database())) {
            for (String leadId : leadIds) {
                for (String key : strings(leads, "SELECT payment_key::text FROM claims WHERE lead_id = "
                        + Long.parseLong(leadId))) {
                    keys.add("lead-claim-" + key);
                }
            }
        }
        return keys;
    }

    private static String walletRequestReason(String key) throws SQLException {
        try (Connection payments = TestDatabases.connect(platform.payments().database());
                PreparedStatement select = payments.prepareStatement(
                        "SELECT reason FROM wallet_requests WHERE operation = 'debit' AND idempotency_key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : "no request stored";
            }
        }
    }

    private static long scalar(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Set<String> strings(Connection connection, String sql) throws SQLException {
        Set<String> values = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static Response claim(Platform.User provider, String leadId) {
        return Leads.claim(platform, provider.token(), leadId, "claim-" + UUID.randomUUID());
    }

    private static String verifiedLead(String title) {
        String leadId = Leads.submit(platform, title);
        Leads.verify(platform, adminToken, leadId);
        return leadId;
    }

    private static HttpRequest claimRequest(Platform.User provider, String leadId, String key) {
        return HttpRequest.newBuilder(URI.create(platform.leads().baseUri() + "/api/leads/" + leadId + "/claim"))
                .timeout(CLAIM_TIMEOUT)
                .header("Authorization", "Bearer " + provider.token())
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
