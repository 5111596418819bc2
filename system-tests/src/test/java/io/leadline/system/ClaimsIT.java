package io.leadline.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.TestSocket;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
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
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims across leads-service and the real payments-service: concurrent claims never pass a lead's
 * maximum and charge each winner once, retries are idempotent, short credits are 402; verified leads
 * reach exactly the matching providers' private channels; admin notifications to a role reach its
 * users (leads-service answers the users-by-role request). Also measures claim → lead_claimed latency.
 */
class ClaimsIT {

    private static final Logger LOG = Logger.getLogger(ClaimsIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Across services (REST, outbox, NATS, gateway) on a possibly loaded machine: generous. */
    private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(30);
    /** One claim: leads-service, a debit request-reply to payments-service, the commit. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    /** plumbing: 25 credits, at most 3 claims (leads-service's application.properties). */
    private static final int PLUMBING_PRICE = 25;
    private static final int PLUMBING_MAX_CLAIMS = 3;
    private static final int LATENCY_SAMPLES = 300;

    private static Platform platform;
    private static String adminToken;

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start(ClaimsIT.class);
        adminToken = platform.adminToken();
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void twentyProvidersClaimingAtOnceGetThreeClaimsEachChargedOnceAndTheOthers409() throws Exception {
        int providers = 20;
        List<Platform.User> users = IntStream.range(0, providers).parallel()
                .mapToObj(i -> platform.register("provider")).toList();
        users.parallelStream().forEach(user -> Wallets.grant(platform, adminToken, user.id(), 100));
        Platform.User watcher = platform.register("provider");
        String leadId = verifiedLead("Burst pipe under the kitchen sink");

        try (TestSocket socket = subscribedToLeads(watcher)) {
            CyclicBarrier start = new CyclicBarrier(providers);
            ExecutorService pool = Executors.newFixedThreadPool(providers);
            List<CompletableFuture<HttpResponse<String>>> calls;
            try {
                calls = users.stream().map(user -> CompletableFuture.supplyAsync(() -> {
                    HttpRequest request = claimRequest(user.token(), leadId, "burst-" + UUID.randomUUID());
                    try {
                        start.await(60, TimeUnit.SECONDS);
                        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool)).toList();
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }

            List<Integer> statuses = calls.stream().map(call -> call.join().statusCode()).toList();
            assertThat(statuses).as("answers to %d simultaneous claims", providers)
                    .isSubsetOf(201, 409).filteredOn(status -> status == 201).hasSize(PLUMBING_MAX_CLAIMS);
            for (int i = 0; i < providers; i++) {
                HttpResponse<String> response = calls.get(i).join();
                Platform.User user = users.get(i);
                JsonPath wallet = Wallets.wallet(platform, user.token());
                List<Map<String, Object>> debits = wallet.getList("entries.findAll { it.kind == 'debit' }");
                if (response.statusCode() == 201) {
                    JsonNode claim = JSON.readTree(response.body());
                    assertThat(claim.path("status").asText()).isEqualTo("confirmed");
                    assertThat(claim.path("contact").path("email").asText()).isEqualTo(Leads.CONTACT_EMAIL);
                    assertThat(claim.path("new_balance").asLong()).isEqualTo(100 - PLUMBING_PRICE);
                    assertThat(wallet.getLong("balance")).as("balance of winner %s", user.id())
                            .isEqualTo(100 - PLUMBING_PRICE);
                    assertThat(debits).as("debits of winner %s", user.id()).hasSize(1);
                    assertThat(debits.get(0).get("change")).isEqualTo(-PLUMBING_PRICE);
                    assertThat((String) debits.get(0).get("reference")).startsWith("lead:" + leadId + ":");
                } else {
                    assertThat(response.headers().firstValue("Content-Type").orElse(""))
                            .startsWith("application/problem+json");
                    assertThat(wallet.getLong("balance")).as("balance of loser %s", user.id()).isEqualTo(100);
                    assertThat(debits).as("debits of loser %s", user.id()).isEmpty();
                }
                assertLedgerSumsToBalance(wallet);
            }
            JsonPath lead = Leads.lead(platform, adminToken, leadId);
            assertThat(lead.getInt("current_claims")).isEqualTo(PLUMBING_MAX_CLAIMS);
            assertThat(lead.getBoolean("available")).isFalse();

            // a later event on the same channel: everything announced before it has arrived
            String marker = verifiedLead("Marker lead after the burst");
            socket.awaitFrame(FirstSliceIT.leadCreated(marker), FRAME_TIMEOUT);
            List<JsonNode> claimed = socket.frames().stream().map(TestSocket.Frame::json)
                    .filter(leadClaimed(leadId)::test).toList();
            assertThat(claimed).extracting(json -> json.path("data").path("current_claims").asInt())
                    .containsExactly(1, 2, 3);
            assertThat(claimed).extracting(json -> json.path("data").path("available").asBoolean())
                    .containsExactly(true, true, false);
            assertThat(claimed).extracting(json -> json.path("data").path("competitive").asBoolean())
                    .containsExactly(false, true, true);
            assertThat(claimed).allSatisfy(json -> {
                assertThat(json.path("channel").asText()).isEqualTo("leads");
                assertThat(json.path("data").path("total_claims").asInt()).isEqualTo(PLUMBING_MAX_CLAIMS);
            });
            assertStrictlyIncreasingSeq(claimed);
        }
    }

    @Test
    void aClaimRetriedWithTheSameIdempotencyKeyChargesOnceAndReturnsTheSameClaim() throws Exception {
        Platform.User provider = platform.register("provider");
        Wallets.grant(platform, adminToken, provider.id(), 100);
        String leadId = verifiedLead("Dripping bathroom faucet");
        String key = "retry-" + UUID.randomUUID();

        Response first = Leads.claim(platform, provider.token(), leadId, key);
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(201);
        // the client timed out and sends the very same request again, twice
        Response retry = Leads.claim(platform, provider.token(), leadId, key);
        Response again = Leads.claim(platform, provider.token(), leadId, key);
        assertThat(retry.statusCode()).as(retry.asString()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(retry.asString())).isEqualTo(JSON.readTree(first.asString()));
        assertThat(JSON.readTree(again.asString())).isEqualTo(JSON.readTree(first.asString()));

        JsonPath wallet = Wallets.wallet(platform, provider.token());
        assertThat(wallet.getLong("balance")).isEqualTo(100 - PLUMBING_PRICE);
        assertThat(wallet.getList("entries.findAll { it.kind == 'debit' }")).hasSize(1);
        assertLedgerSumsToBalance(wallet);
        assertThat(Leads.lead(platform, adminToken, leadId).getInt("current_claims")).isEqualTo(1);

        // a new key is a new attempt: the provider has already claimed this lead
        assertThat(Leads.claim(platform, provider.token(), leadId, "retry-" + UUID.randomUUID()).statusCode())
                .isEqualTo(409);
        assertThat(Wallets.balance(platform, provider.token())).isEqualTo(100 - PLUMBING_PRICE);
    }

    @Test
    void theSameKeySentTwiceAtOnceChargesOnce() throws Exception {
        Platform.User provider = platform.register("provider");
        Wallets.grant(platform, adminToken, provider.id(), 100);
        String leadId = verifiedLead("Clogged main drain");
        String key = "double-" + UUID.randomUUID();

        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await(60, TimeUnit.SECONDS);
                    return HTTP.send(claimRequest(provider.token(), leadId, key), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();
        // one creates it; the other replays it, or is told it is still being processed
        assertThat(answers).extracting(HttpResponse::statusCode).isSubsetOf(201, 200, 409)
                .filteredOn(status -> status == 201).hasSize(1);
        String created = answers.stream().filter(answer -> answer.statusCode() == 201).findFirst().orElseThrow().body();
        Response later = Leads.claim(platform, provider.token(), leadId, key);
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(later.asString())).isEqualTo(JSON.readTree(created));
        JsonPath wallet = Wallets.wallet(platform, provider.token());
        assertThat(wallet.getLong("balance")).isEqualTo(100 - PLUMBING_PRICE);
        assertThat(wallet.getList("entries.findAll { it.kind == 'debit' }")).hasSize(1);
    }

    @Test
    void aProviderWithoutEnoughCreditsGets402AndTheLeadDoesNotMove() {
        Platform.User poor = platform.register("provider");
        Wallets.grant(platform, adminToken, poor.id(), PLUMBING_PRICE - 1);
        Platform.User broke = platform.register("provider"); // no wallet at all
        String leadId = verifiedLead("Running toilet");

        Response refused = Leads.claim(platform, poor.token(), leadId, "poor-" + UUID.randomUUID());
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(402);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("detail")).contains("credits");
        Response none = Leads.claim(platform, broke.token(), leadId, "broke-" + UUID.randomUUID());
        assertThat(none.statusCode()).as(none.asString()).isEqualTo(402);

        JsonPath lead = Leads.lead(platform, adminToken, leadId);
        assertThat(lead.getInt("current_claims")).isZero();
        assertThat(lead.getBoolean("available")).isTrue();
        JsonPath wallet = Wallets.wallet(platform, poor.token());
        assertThat(wallet.getLong("balance")).isEqualTo(PLUMBING_PRICE - 1);
        assertThat(wallet.getList("entries.findAll { it.kind == 'debit' }")).isEmpty();
        assertThat(Wallets.balance(platform, broke.token())).isZero();
    }

    @Test
    void aVerifiedLeadReachesOnlyTheMatchingProvidersPrivateChannels() throws Exception {
        Platform.User plumber = platform.register("provider");
        Platform.User handyman = platform.register("provider");
        Platform.User roofer = platform.register("property_manager");
        Platform.User outsider = platform.register("provider");
        Leads.saveProfile(platform, plumber.token(), List.of("plumbing"), "Austin", "TX", "78701");
        Leads.saveProfile(platform, handyman.token(), List.of("electrical", "plumbing"), "Dallas", "TX", "75201");
        Leads.saveProfile(platform, roofer.token(), List.of("roofing"), "Austin", "TX", "78701");
        Leads.saveProfile(platform, outsider.token(), List.of("roofing", "painting"), "Denver", "CO", "80202");

        try (TestSocket plumberSocket = connected(plumber);
                TestSocket handymanSocket = connected(handyman);
                TestSocket rooferSocket = connected(roofer);
                TestSocket outsiderSocket = connected(outsider);
                TestSocket leadsSocket = subscribedToLeads(platform.register("provider"))) {
            String leadId = verifiedLead("Water heater replacement");

            JsonNode forPlumber = plumberSocket.awaitFrame(distributed(leadId), FRAME_TIMEOUT).json();
            JsonNode forHandyman = handymanSocket.awaitFrame(distributed(leadId), FRAME_TIMEOUT).json();
            for (JsonNode frame : List.of(forPlumber, forHandyman)) {
                JsonNode data = frame.path("data");
                assertThat(data.path("lead").path("id").asText()).isEqualTo(leadId);
                assertThat(data.path("lead").path("category").asText()).isEqualTo("plumbing");
                JsonNode score = data.path("score");
                assertThat(score.path("score").isInt()).as("score in %s", frame).isTrue();
                assertThat(score.path("score").asInt()).isBetween(0, 100);
                assertThat(score.path("tier").asText()).isIn("excellent", "good", "fair", "low");
                assertThat(score.path("badge").path("text").asText()).isNotBlank();
                assertThat(score.path("badge").path("color").asText()).isNotBlank();
                assertThat(score.path("badge").path("priority").asText()).isNotBlank();
                assertThat(score.path("reasons").isArray()).isTrue();
                assertThat(score.path("reasons")).isNotEmpty();
                assertThat(data.path("notification").path("title").asText()).isNotBlank();
                assertThat(data.path("notification").path("message").asText()).isNotBlank();
                assertThat(data.path("notification").path("priority").asText()).isNotBlank();
            }
            assertThat(plumberSocket.frameCount()).isPositive();
            assertThat(plumberSocket.rawFrames()).noneMatch(ClaimsIT::containsContact);
            assertThat(handymanSocket.rawFrames()).noneMatch(ClaimsIT::containsContact);
            // the same city scores higher than another city of the state
            assertThat(forPlumber.path("data").path("score").path("score").asInt())
                    .isGreaterThan(forHandyman.path("data").path("score").path("score").asInt());

            // a claim is announced on leads too: still no contact data there
            Wallets.grant(platform, adminToken, plumber.id(), 100);
            assertThat(Leads.claim(platform, plumber.token(), leadId, "dist-" + UUID.randomUUID()).statusCode())
                    .isEqualTo(201);
            leadsSocket.awaitFrame(leadClaimed(leadId), FRAME_TIMEOUT);

            // a later message on each non-recipient's own channel: nothing about the lead came before it
            for (TestSocket socket : List.of(rooferSocket, outsiderSocket)) {
                String userId = socket.awaitType("connected", FRAME_TIMEOUT).json().path("user_id").asText();
                String title = "marker " + UUID.randomUUID();
                sendNotification(Map.of("user_id", userId, "title", title, "message", "after the lead"));
                socket.awaitFrame(json -> "notification_message".equals(json.path("type").asText())
                        && title.equals(json.path("data").path("title").asText()), FRAME_TIMEOUT);
                assertThat(socket.rawFrames()).as("frames of user %s", userId)
                        .noneMatch(raw -> raw.contains("\"lead_distributed\"") || raw.contains("\"lead_alert\""));
                assertThat(socket.count(json -> leadId.equals(json.path("data").path("lead").path("id").asText())
                        || leadId.equals(json.path("data").path("lead_id").asText()))).isZero();
            }
            assertThat(plumberSocket.count(distributed(leadId))).isEqualTo(1);
            assertThat(handymanSocket.count(distributed(leadId))).isEqualTo(1);

            List<TestSocket.Frame> onLeads = leadsSocket.frames().stream()
                    .filter(frame -> frame.json() != null && "leads".equals(frame.json().path("channel").asText()))
                    .toList();
            assertThat(onLeads).extracting(frame -> frame.json().path("type").asText())
                    .contains("lead_created", "lead_claimed");
            assertThat(onLeads).extracting(TestSocket.Frame::raw).noneMatch(ClaimsIT::containsContact);
        }
    }

    @Test
    void anAdminNotificationToTheProviderRoleReachesProvidersOnly() {
        Platform.User provider = platform.register("provider");
        Platform.User customer = platform.register("customer");
        try (TestSocket providerSocket = connected(provider); TestSocket customerSocket = connected(customer)) {
            String title = "Providers: new pricing " + UUID.randomUUID();
            int recipients = sendNotification(Map.of("role", "provider", "title", title,
                    "message", "Plumbing leads cost 25 credits from Monday", "priority", "high"));
            assertThat(recipients).isGreaterThanOrEqualTo(1);

            JsonNode received = providerSocket.awaitFrame(json -> "notification_message".equals(json.path("type").asText())
                    && title.equals(json.path("data").path("title").asText()), FRAME_TIMEOUT).json();
            assertThat(received.path("channel").asText()).isEqualTo("user." + provider.id());
            assertThat(received.path("data").path("message").asText()).contains("25 credits");
            assertThat(received.path("data").path("priority").asText()).isEqualTo("high");

            String marker = "marker " + UUID.randomUUID();
            sendNotification(Map.of("user_id", customer.id(), "title", marker, "message", "only for you"));
            customerSocket.awaitFrame(json -> marker.equals(json.path("data").path("title").asText()), FRAME_TIMEOUT);
            assertThat(customerSocket.count(json -> title.equals(json.path("data").path("title").asText()))).isZero();
        }
    }

    /**
     * Claim latency: from sending the REST claim to a subscriber receiving its lead_claimed frame,
     * over a few hundred claims one after the other. Logged and written to target/claim-latency.txt;
     * not asserted (timings belong to bench/, not to tests).
     */
    @Test
    void measuresClaimToLeadClaimedLatency() throws Exception {
        Platform.User claimant = platform.register("provider");
        Wallets.grant(platform, adminToken, claimant.id(), (long) LATENCY_SAMPLES * 10);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> leadIds;
        try {
            leadIds = IntStream.range(0, LATENCY_SAMPLES).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                // cleaning: 10 credits a claim
                String id = Leads.submit(platform, Leads.form("Latency lead " + i, "cleaning", "Boise", "ID", "83702"));
                Leads.verify(platform, adminToken, id);
                return id;
            }, pool)).toList().stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }

        long[] latencies = new long[LATENCY_SAMPLES];
        try (TestSocket socket = subscribedToLeads(platform.register("provider"))) {
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                String leadId = leadIds.get(i);
                int skip = socket.frameCount();
                HttpRequest request = claimRequest(claimant.token(), leadId, "latency-" + UUID.randomUUID());
                long sent = System.nanoTime();
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                TestSocket.Frame frame = socket.awaitFrameAfter(skip, leadClaimed(leadId), FRAME_TIMEOUT);
                latencies[i] = frame.receivedAtNanos() - sent;
            }
        }
        Arrays.sort(latencies);
        String report = String.format(java.util.Locale.ROOT,
                "claim REST call sent -> lead_claimed received on a leads subscriber's socket%n"
                        + "samples=%d (sequential, one claim per lead, packaged services on one machine)%n"
                        + "p50_ms=%.2f%np90_ms=%.2f%np99_ms=%.2f%nmax_ms=%.2f%n",
                latencies.length, millis(percentile(latencies, 50)), millis(percentile(latencies, 90)),
                millis(percentile(latencies, 99)), millis(latencies[latencies.length - 1]));
        LOG.info(report);
        Files.createDirectories(Platform.targetDir());
        Files.writeString(Platform.targetDir().resolve("claim-latency.txt"), report, StandardCharsets.UTF_8);
        assertThat(Wallets.balance(platform, claimant.token())).isZero();
    }

    // ---------------------------------------------------------------------------------------------

    private static String verifiedLead(String title) {
        String leadId = Leads.submit(platform, title);
        Leads.verify(platform, adminToken, leadId);
        return leadId;
    }

    private static HttpRequest claimRequest(String token, String leadId, String key) {
        return HttpRequest.newBuilder(URI.create(platform.leads().baseUri() + "/api/leads/" + leadId + "/claim"))
                .timeout(CLAIM_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    /** POST notify /api/notifications as an admin; returns the number of recipients. */
    private static int sendNotification(Map<String, Object> body) {
        return given().baseUri(platform.notifyService().baseUri().toString()).auth().oauth2(adminToken)
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/notifications")
                .then().statusCode(202).extract().jsonPath().getInt("recipients");
    }

    private static TestSocket connected(Platform.User user) {
        TestSocket socket = TestSocket.connect(platform.notifyService().wsUri("/ws"), user.token());
        socket.awaitType("connected", FRAME_TIMEOUT);
        return socket;
    }

    private static TestSocket subscribedToLeads(Platform.User user) {
        TestSocket socket = connected(user);
        socket.sendJson(Map.of("type", "subscribe", "channel", "leads", "id", "leads"));
        socket.awaitFrame(json -> "subscribed".equals(json.path("type").asText())
                && "leads".equals(json.path("channel").asText()), FRAME_TIMEOUT);
        return socket;
    }

    private static Predicate<JsonNode> leadClaimed(String leadId) {
        return json -> "lead_claimed".equals(json.path("type").asText())
                && leadId.equals(json.path("data").path("lead_id").asText());
    }

    private static Predicate<JsonNode> distributed(String leadId) {
        return json -> "lead_distributed".equals(json.path("type").asText())
                && leadId.equals(json.path("data").path("lead").path("id").asText());
    }

    private static boolean containsContact(String raw) {
        return raw.contains(Leads.CONTACT_NAME) || raw.contains(Leads.CONTACT_EMAIL) || raw.contains(Leads.CONTACT_PHONE)
                || raw.contains("contact");
    }

    private static void assertLedgerSumsToBalance(JsonPath wallet) {
        List<Integer> changes = wallet.getList("entries.change", Integer.class);
        assertThat(changes.stream().mapToLong(Integer::longValue).sum()).as("ledger sum").isEqualTo(wallet.getLong("balance"));
    }

    private static void assertStrictlyIncreasingSeq(List<JsonNode> frames) {
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).path("seq").asLong()).isGreaterThan(frames.get(i - 1).path("seq").asLong());
        }
    }

    private static long percentile(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
