package io.leadline.system;

import io.leadline.system.harness.Platform;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.testing.PostgresTestServer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL crashes and comes back while providers claim leads concurrently and provider webhooks
 * arrive. The services run on a private PostgreSQL cluster (the machine's shared one is never touched).
 * While it is down, readiness of leads- and payments-service is DOWN and requests fail cleanly (503
 * problem+json, never a 500, never a hang); once it is back, without restarting any service, readiness
 * is UP and claims and webhooks succeed, every claim ends confirmed or released, and the money adds up
 * exactly between the two services' databases.
 */
class PostgresOutageIT {

    private static final Logger LOG = Logger.getLogger(PostgresOutageIT.class);
    /** Any single request: it must be answered within this, outage or not. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Readiness, recovery and the settler's rounds on a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** How long the database stays down at least, once both services report it. */
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private static final int PROVIDERS = 12;
    private static final int LEADS = 20;
    /** plumbing: 25 credits, at most 3 claims (leads-service's application.properties). */
    private static final int PRICE = 25;
    private static final int MAX_CLAIMS = 3;
    /** Enough for four claims: some providers run out and get 402 too. */
    private static final long GRANT = 100;
    private static final int TOP_UPS = 12;
    private static final long TOP_UP_CREDITS = 10;
    private static final int CLAIM_WORKERS = 4;
    private static final Set<Integer> CLAIM_ANSWERS = Set.of(201, 402, 409, 503);

    private static PostgresTestServer postgres;
    private static Platform platform;
    private static String adminToken;

    @BeforeAll
    static void start() {
        postgres = PostgresTestServer.start();
        platform = Platform.startOn(postgres, PostgresOutageIT.class, started -> started.leads()
                // claims left pending by the outage are settled within seconds instead of minutes
                .property("leadline.claims.settle-interval", "1s")
                .property("leadline.claims.stale-after", "10s"));
        adminToken = platform.adminToken();
    }

    @AfterAll
    static void stop() {
        try {
            if (platform != null) {
                platform.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /** One claim sent by the traffic, with its answer (0 when no answer came in time). */
    private record Attempt(String providerId, String leadId, String key, int status, String contentType, String body) {
    }

    /** A top-up and its provider's webhook, which the provider keeps sending until answered 200. */
    private record TopUp(String providerId, String provider, String reference, String eventId, String body) {
    }

    @Test
    void claimsAndWebhooksSurviveAPostgresCrashWithNoMoneyLostOrChargedTwice() throws Exception {
        List<Platform.User> providers = IntStream.range(0, PROVIDERS).parallel()
                .mapToObj(i -> platform.register("provider")).toList();
        providers.parallelStream().forEach(user -> Wallets.grant(platform, adminToken, user.id(), GRANT));
        List<String> leads = IntStream.range(0, LEADS).parallel().mapToObj(i -> verifiedLead("Leaking pipe " + i))
                .toList();
        List<TopUp> topUps = IntStream.range(0, TOP_UPS).parallel()
                .mapToObj(i -> topUp(providers.get(i % PROVIDERS), i % 2 == 0 ? "stripe" : "razorpay")).toList();
        // kept out of the traffic: its claim after the outage measures the recovery
        Platform.User fresh = platform.register("provider");
        Wallets.grant(platform, adminToken, fresh.id(), GRANT);
        String freshLead = verifiedLead("Water heater after the outage");

        // every provider tries every lead, in an order fixed by the seed
        List<String[]> pairs = new ArrayList<>();
        for (Platform.User provider : providers) {
            for (String lead : leads) {
                pairs.add(new String[] {provider.id(), provider.token(), lead});
            }
        }
        Collections.shuffle(pairs, new Random(16));
        ConcurrentLinkedQueue<String[]> toClaim = new ConcurrentLinkedQueue<>(pairs);
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TopUp> webhooksToSend = new ConcurrentLinkedQueue<>(topUps);
        Map<String, List<Integer>> webhookAnswers = new ConcurrentHashMap<>();
        AtomicBoolean trafficOn = new AtomicBoolean(true);
        AtomicInteger claimsDuringOutage = new AtomicInteger();
        AtomicBoolean outage = new AtomicBoolean();

        ExecutorService traffic = Executors.newFixedThreadPool(CLAIM_WORKERS + 1);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int i = 0; i < CLAIM_WORKERS; i++) {
                workers.add(traffic.submit(() -> {
                    String[] pair;
                    while (trafficOn.get() && (pair = toClaim.poll()) != null) {
                        Attempt attempt = claim(pair[0], pair[1], pair[2], "outage-" + UUID.randomUUID());
                        attempts.add(attempt);
                        if (outage.get()) {
                            claimsDuringOutage.incrementAndGet();
                        }
                        pause(attempt.status() == 503 ? 300 : 100);
                    }
                    return null;
                }));
            }
            // one webhook at a time, as a provider's delivery queue does; a failed one goes to the back
            workers.add(traffic.submit(() -> {
                TopUp next;
                while (trafficOn.get() && (next = webhooksToSend.poll()) != null) {
                    int status = sendWebhook(next).statusCode();
                    webhookAnswers.computeIfAbsent(next.eventId(), id -> new CopyOnWriteArrayList<>()).add(status);
                    if (status != 200) {
                        webhooksToSend.add(next);
                    }
                    pause(status == 200 ? 400 : 700);
                }
                return null;
            }));

            pause(2_000);
            LOG.infof("postgres outage: stopping PostgreSQL (immediate) after %d claims", attempts.size());
            outage.set(true);
            postgres.stop(PostgresTestServer.Shutdown.IMMEDIATE);
            Instant down = Instant.now();
            awaitReadiness(platform.leads(), 503);
            awaitReadiness(platform.payments(), 503);
            Duration downSeen = Duration.between(down, Instant.now());

            // requests made while it is down fail at once and cleanly
            Platform.User lateProvider = providers.get(0);
            Attempt duringOutage = claim(lateProvider.id(), lateProvider.token(), leads.get(0),
                    "outage-probe-" + UUID.randomUUID());
            assertCleanUnavailable(duringOutage.status(), duringOutage.contentType(), duringOutage.body());
            TopUp lateTopUp = topUps.get(0);
            HttpResponse<String> webhookDuringOutage = sendWebhook(lateTopUp);
            assertCleanUnavailable(webhookDuringOutage.statusCode(),
                    webhookDuringOutage.headers().firstValue("Content-Type").orElse(""), webhookDuringOutage.body());
            webhookAnswers.computeIfAbsent(lateTopUp.eventId(), id -> new CopyOnWriteArrayList<>())
                    .add(webhookDuringOutage.statusCode());
            webhooksToSend.add(lateTopUp); // delivered before or not, the provider sends it again
            attempts.add(duringOutage);
            pause(OUTAGE.toMillis());

            postgres.startServer();
            outage.set(false);
            Instant back = Instant.now();
            awaitReadiness(platform.leads(), 200);
            awaitReadiness(platform.payments(), 200);
            Instant ready = Instant.now();
            // a 503 here (a debit that timed out on a loaded machine) is asked again; the log says how often
            List<Attempt> untilClaimed = new ArrayList<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                Attempt attempt = claim(fresh.id(), fresh.token(), freshLead, "after-" + UUID.randomUUID());
                untilClaimed.add(attempt);
                assertThat(attempt.status()).as(attempt.body()).isIn(201, 503);
                return attempt.status() == 201;
            });
            Instant claimed = Instant.now();
            attempts.addAll(untilClaimed);
            LOG.infof("postgres outage: readiness DOWN on leads and payments %d ms after the stop; database back -> "
                            + "readiness UP %d ms -> first successful claim %d ms later (%d ms in all, %d attempt(s)); "
                            + "%d claims sent during the outage",
                    downSeen.toMillis(), Duration.between(back, ready).toMillis(),
                    Duration.between(ready, claimed).toMillis(), Duration.between(back, claimed).toMillis(),
                    untilClaimed.size(), claimsDuringOutage.get());

            // the traffic goes on for a while on the recovered database, then every webhook is delivered
            pause(3_000);
            trafficOn.set(false);
            for (Future<?> worker : workers) {
                worker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            trafficOn.set(false);
            traffic.shutdownNow();
        }
        for (TopUp pending : webhooksToSend) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                int status = sendWebhook(pending).statusCode();
                webhookAnswers.computeIfAbsent(pending.eventId(), id -> new CopyOnWriteArrayList<>()).add(status);
                return status == 200;
            });
        }

        List<Attempt> all = new ArrayList<>(attempts);
        assertThat(all).as("claims made across the outage").hasSizeGreaterThan(20);
        for (Attempt attempt : all) {
            assertThat(attempt.status()).as("answer to claim %s: %s", attempt.key(), attempt.body()).isIn(CLAIM_ANSWERS);
            if (attempt.status() != 201) {
                assertThat(attempt.contentType()).as(attempt.body()).startsWith("application/problem+json");
            }
        }
        assertThat(all).filteredOn(attempt -> attempt.status() == 503).as("claims refused during the outage")
                .isNotEmpty();
        webhookAnswers.forEach((eventId, statuses) -> assertThat(statuses).as("answers to webhook %s", eventId)
                .isSubsetOf(200, 503).endsWith(200));

        // every webhook again, after the fact: answered, and nothing is booked twice
        for (TopUp topUp : topUps) {
            HttpResponse<String> again = sendWebhook(topUp);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(again.body()).contains("\"duplicate\"");
        }

        awaitEveryClaimFinal();
        assertMoneyAddsUp(all, topUps, providers, fresh.id());
    }

    private static void awaitEveryClaimFinal() {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                longs(platform.leads(), "SELECT id FROM claims WHERE status IN ('pending', 'voiding')"))
                .as("claims still pending or voiding").isEmpty());
    }

    private static void assertMoneyAddsUp(List<Attempt> attempts, List<TopUp> topUps, List<Platform.User> providers,
            String freshProvider) throws SQLException {
        Map<Long, long[]> claims = new HashMap<>(); // id -> account, lead, price, confirmed (1/0)
        Map<String, String> statusByKey = new HashMap<>();
        try (Connection leads = postgres.connect(platform.leads().database()); Statement statement = leads.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT id, account_id, lead_id, price, status, idempotency_key FROM claims")) {
            while (rows.next()) {
                claims.put(rows.getLong(1), new long[] {rows.getLong(2), rows.getLong(3), rows.getLong(4),
                        "confirmed".equals(rows.getString(5)) ? 1 : 0});
                String previous = statusByKey.put(rows.getLong(2) + "/" + rows.getString(6), rows.getString(5));
                assertThat(previous).as("one claim per provider and key").isNull();
            }
        }
        // what each client was told agrees with what happened
        int unavailableButConfirmed = 0;
        for (Attempt attempt : attempts) {
            String status = statusByKey.get(attempt.providerId() + "/" + attempt.key());
            if (attempt.status() == 201) {
                assertThat(status).as("claim %s answered 201", attempt.key()).isEqualTo("confirmed");
            } else if (attempt.status() == 402 || attempt.status() == 409) {
                assertThat(status).as("claim %s answered %d", attempt.key(), attempt.status()).isNotEqualTo("confirmed");
            } else if ("confirmed".equals(status)) {
                unavailableButConfirmed++; // cut after its commit: a retry with its key answers the claim
            }
        }

        Map<Long, Long> balances = new HashMap<>();
        Map<Long, Long> ledgerSums = new HashMap<>();
        Map<Long, List<long[]>> claimEntries = new HashMap<>(); // claim id -> [change, is refund]
        Map<String, Integer> topUpEntries = new HashMap<>();
        try (Connection payments = postgres.connect(platform.payments().database());
                Statement statement = payments.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT user_id, balance FROM wallets")) {
                while (rows.next()) {
                    balances.put(rows.getLong(1), rows.getLong(2));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT user_id, sum(change) FROM ledger_entries GROUP BY user_id")) {
                while (rows.next()) {
                    ledgerSums.put(rows.getLong(1), rows.getLong(2));
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT reference, change, kind FROM ledger_entries WHERE reference LIKE 'lead:%'")) {
                while (rows.next()) {
                    String[] parts = rows.getString(1).split(":"); // lead:<lead>:claim:<claim>
                    long claimId = Long.parseLong(parts[3]);
                    assertThat(claims).as("ledger entry %s belongs to a claim", rows.getString(1)).containsKey(claimId);
                    claimEntries.computeIfAbsent(claimId, id -> new ArrayList<>())
                            .add(new long[] {rows.getLong(2), "debit".equals(rows.getString(3)) ? 0 : 1});
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT reference FROM ledger_entries WHERE kind = 'top_up'")) {
                while (rows.next()) {
                    topUpEntries.merge(rows.getString(1), 1, Integer::sum);
                }
            }
            for (TopUp topUp : topUps) {
                assertThat(topUpEntries.get(topUp.reference())).as("credits of top-up %s", topUp.reference()).isEqualTo(1);
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FILTER (WHERE status = 'processed'), count(*) "
                        + "FROM webhook_events WHERE signature_valid AND event_id = '" + topUp.eventId() + "'")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("webhook %s processed", topUp.eventId()).isEqualTo(1);
                    assertThat(rows.getLong(2)).as("webhook %s recorded", topUp.eventId()).isEqualTo(1);
                }
                try (ResultSet rows = statement.executeQuery(
                        "SELECT status FROM payments WHERE provider_reference = '" + topUp.reference() + "'")) {
                    rows.next();
                    assertThat(rows.getString(1)).isEqualTo("succeeded");
                }
            }
        }
        assertThat(balances).as("wallets").isNotEmpty();
        balances.forEach((user, balance) -> assertThat(balance).as("balance of %d against its ledger", user)
                .isEqualTo(ledgerSums.get(user)));

        int confirmed = 0;
        int released = 0;
        int refunded = 0;
        Map<Long, Long> chargedPerAccount = new HashMap<>();
        Map<Long, Integer> confirmedPerLead = new HashMap<>();
        for (Map.Entry<Long, long[]> claim : claims.entrySet()) {
            long[] row = claim.getValue();
            List<long[]> entries = claimEntries.getOrDefault(claim.getKey(), List.of());
            long debits = entries.stream().filter(entry -> entry[1] == 0).count();
            long net = entries.stream().mapToLong(entry -> entry[0]).sum();
            if (row[3] == 1) {
                confirmed++;
                confirmedPerLead.merge(row[1], 1, Integer::sum);
                assertThat(entries).as("ledger of confirmed claim %d", claim.getKey()).hasSize(1);
                assertThat(net).as("charge of confirmed claim %d", claim.getKey()).isEqualTo(-row[2]);
            } else {
                released++;
                assertThat(net).as("charge of released claim %d", claim.getKey()).isZero();
                assertThat(debits).as("debits of released claim %d", claim.getKey()).isLessThanOrEqualTo(1);
                assertThat(entries).hasSize((int) debits * 2);
                if (debits == 1) {
                    refunded++;
                }
            }
            chargedPerAccount.merge(row[0], -net, Long::sum);
        }
        confirmedPerLead.forEach((lead, count) -> assertThat(count).as("claims of lead %d", lead)
                .isLessThanOrEqualTo(MAX_CLAIMS));
        try (Connection leads = postgres.connect(platform.leads().database()); Statement statement = leads.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, claim_count FROM leads")) {
            while (rows.next()) {
                assertThat(rows.getInt(2)).as("claim_count of lead %d", rows.getLong(1))
                        .isEqualTo(confirmedPerLead.getOrDefault(rows.getLong(1), 0));
            }
        }
        Map<String, Long> topUpCredits = new HashMap<>();
        topUps.forEach(topUp -> topUpCredits.merge(topUp.providerId(), TOP_UP_CREDITS, Long::sum));
        List<String> everyone = new ArrayList<>(providers.stream().map(Platform.User::id).toList());
        everyone.add(freshProvider);
        for (String provider : everyone) {
            long charged = chargedPerAccount.getOrDefault(Long.parseLong(provider), 0L);
            assertThat(balances.get(Long.parseLong(provider))).as("balance of provider %s", provider)
                    .isEqualTo(GRANT + topUpCredits.getOrDefault(provider, 0L) - charged);
            assertThat(charged % PRICE).isZero();
        }
        LOG.infof("postgres outage: %d claims confirmed and charged once, %d released (%d of them charged and "
                        + "refunded by the settler), %d answered 503 but confirmed; %d webhooks processed once",
                confirmed, released, refunded, unavailableButConfirmed, topUps.size());
        assertThat(confirmed).isGreaterThan(0);
    }

    private static void assertCleanUnavailable(int status, String contentType, String body) {
        assertThat(status).as(body).isEqualTo(503);
        assertThat(contentType).startsWith("application/problem+json");
        assertThat(body).contains("\"status\":503").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void awaitReadiness(ServiceProcess service, int status) {
        HttpRequest request = HttpRequest.newBuilder(service.managementUri().resolve("/q/health/ready"))
                .timeout(Duration.ofSeconds(30)).GET().build();
        // a probe that gets no answer in time is asked again: only the status counts
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == status && (status != 503 || response.body().contains("\"DOWN\""));
        });
    }

    private static Attempt claim(String providerId, String token, String leadId, String key) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(platform.leads().baseUri() + "/api/leads/" + leadId + "/claim"))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Attempt(providerId, leadId, key, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            return new Attempt(providerId, leadId, key, 0, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static TopUp topUp(Platform.User owner, String provider) {
        String reference = Payments.topUp(platform, owner.token(), TOP_UP_CREDITS, provider).getString("provider_reference");
        long minor = TOP_UP_CREDITS * 100;
        if ("stripe".equals(provider)) {
            String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
            return new TopUp(owner.id(), provider, reference, eventId, Payments.stripeSucceeded(eventId, reference, minor));
        }
        String body = "{\"entity\":\"event\",\"event\":\"payment.captured\",\"contains\":[\"payment\"],"
                + "\"payload\":{\"payment\":{\"entity\":{\"id\":\"" + reference + "\",\"amount\":" + minor + ","
                + "\"currency\":\"USD\",\"status\":\"captured\"}}},\"created_at\":" + Instant.now().getEpochSecond() + "}";
        // Razorpay's event id header is not signed: payments knows the event by its payload's own ids
        return new TopUp(owner.id(), provider, reference, "payment.captured:" + reference, body);
    }

    /** The provider delivers the webhook, signed at the time of sending. */
    private static HttpResponse<String> sendWebhook(TopUp topUp) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(platform.payments().baseUri() + "/api/webhooks/" + topUp.provider()))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(topUp.body(), StandardCharsets.UTF_8));
        if ("stripe".equals(topUp.provider())) {
            request.header("Stripe-Signature", Payments.stripeSignature(Instant.now().getEpochSecond(), topUp.body()));
        } else {
            request.header("X-Razorpay-Signature", Payments.razorpaySignature(topUp.body()))
                    .header("X-Razorpay-Event-Id", "rzp_evt_" + UUID.randomUUID().toString().substring(0, 8));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("webhook " + topUp.eventId() + " not answered", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String verifiedLead(String title) {
        String leadId = Leads.submit(platform, title);
        Leads.verify(platform, adminToken, leadId);
        return leadId;
    }

    private static List<Long> longs(ServiceProcess service, String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Connection connection = postgres.connect(service.database()); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
        }
        return values;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
