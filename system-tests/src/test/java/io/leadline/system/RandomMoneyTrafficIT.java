package io.leadline.system;

import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.system.harness.Platform;
import io.leadline.testing.TestDatabases;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.assertj.core.api.SoftAssertions;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Many clients at once send a random mix of money traffic: admin grants, top-ups paid through signed
 * Stripe webhooks (some never paid), admin refunds of them, direct debits over NATS as leads-service
 * asks for them, and claims on leads with few slots (leads-service debiting through payments-service);
 * some requests are sent again with the same idempotency key, one after the other or both at once.
 * Then the books are read from both services' databases: every wallet's ledger sums to its balance and
 * its running balance never went below zero, every claim was charged exactly once if it won and not
 * at all otherwise, no lead has more claims than slots, no payment was refunded beyond its amount,
 * and each wallet holds exactly what the acknowledged operations add up to.
 * <p>
 * A seeded random chooses every client's operations, amounts and resends; the seed is logged and
 * named in any failure, and {@code -Dleadline.money-traffic.seed=<seed>} makes the same choices again
 * (the interleaving, and so which paid top-up a refund finds, is the machine's).
 * {@code -Dleadline.money-traffic.operations=<n>} changes how many operations there are.
 */
class RandomMoneyTrafficIT {

    private static final Logger LOG = Logger.getLogger(RandomMoneyTrafficIT.class);
    private static final String SEED_PROPERTY = "leadline.money-traffic.seed";
    private static final String OPERATIONS_PROPERTY = "leadline.money-traffic.operations";
    private static final int CLIENTS = 16;
    private static final int PROVIDERS = 10;
    private static final int DEFAULT_OPERATIONS = 240;
    /** Leads of few slots, so that providers compete: category → how many leads of it. */
    private static final Map<String, Integer> LEADS_PER_CATEGORY = Map.of(
            "plumbing", 5, "property_management", 3, "cleaning", 2);
    /** Everything, on a loaded machine: far above what the traffic takes. */
    private static final Duration TRAFFIC_BOUND = Duration.ofMinutes(5);
    /** One answer over NATS or one transient refusal waited out: generous. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(60);
    private static final String DEBIT_REFERENCE_PREFIX = "random-traffic:";

    private static Platform platform;
    private static String adminToken;
    private static Connection asLeadsService;

    private final long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    private final int operations = Integer.getInteger(OPERATIONS_PROPERTY, DEFAULT_OPERATIONS);
    private final List<Platform.User> providers = new ArrayList<>();
    private final List<Long> leadIds = new ArrayList<>();
    private final ExecutorService twins = Executors.newCachedThreadPool();

    private final ConcurrentLinkedQueue<Grant> grants = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Debit> debits = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<TopUp> paidTopUps = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<TopUp> unpaidTopUps = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Long> wonClaimIds = new ConcurrentLinkedQueue<>();

    private record Grant(String key, String userId, long amount) {
    }

    private record Debit(String key, String userId, long amount, boolean charged) {
    }

    private record TopUp(long paymentId, String userId, String reference, long credits) {
    }

    @BeforeAll
    static void startPlatform() {
        platform = Platform.start(RandomMoneyTrafficIT.class);
        adminToken = platform.adminToken();
        asLeadsService = platform.nats().connect(NatsIdentity.LEADS);
    }

    @AfterAll
    static void stopPlatform() throws InterruptedException {
        if (asLeadsService != null) {
            asLeadsService.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void randomConcurrentGrantsTopUpsRefundsDebitsAndClaimsKeepEveryLedgerBalanced() throws Exception {
        LOG.infof("random money traffic: seed %d (-D%s=%d replays its choices), %d operations from %d clients",
                seed, SEED_PROPERTY, seed, operations, CLIENTS);
        try {
            SplittableRandom random = new SplittableRandom(seed);
            prepareProvidersAndLeads(random);
            runTraffic(random);
            awaitNoClaimInFlight();
            verifyBooks();
        } catch (Throwable failure) {
            throw new AssertionError("random money traffic failed with seed " + seed + " (rerun with -D"
                    + SEED_PROPERTY + "=" + seed + "): " + failure.getMessage(), failure);
        } finally {
            twins.shutdownNow();
        }
    }

    // --- the traffic -----------------------------------------------------------------------------

    private void prepareProvidersAndLeads(SplittableRandom random) {
        providers.addAll(IntStream.range(0, PROVIDERS).parallel().mapToObj(i -> platform.register("provider")).toList());
        for (Platform.User provider : providers) {
            // some start with nothing: their first claims and debits are refused
            long credits = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(60);
            if (credits > 0) {
                grantOnce(provider, credits, "start-" + UUID.randomUUID());
            }
        }
        LEADS_PER_CATEGORY.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(category -> {
            for (int i = 0; i < category.getValue(); i++) {
                String id = Leads.submit(platform, Leads.form("Random traffic " + category.getKey() + " " + i,
                        category.getKey(), "Austin", "TX", "78701"));
                Leads.verify(platform, adminToken, id);
                leadIds.add(Long.parseLong(id));
            }
        });
    }

    private void runTraffic(SplittableRandom random) throws Exception {
        List<SplittableRandom> clientRandoms = IntStream.range(0, CLIENTS).mapToObj(i -> random.split()).toList();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<CompletableFuture<Void>> running = IntStream.range(0, CLIENTS)
                    .mapToObj(client -> CompletableFuture.runAsync(() -> {
                        SplittableRandom own = clientRandoms.get(client);
                        int share = operations / CLIENTS + (client < operations % CLIENTS ? 1 : 0);
                        for (int i = 0; i < share; i++) {
                            oneOperation(own);
                        }
                    }, clients)).toList();
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .get(TRAFFIC_BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            clients.shutdownNow();
        }
        LOG.infof("traffic done: %d grants, %d debits, %d paid and %d unpaid top-ups, %d claims won",
                grants.size(), debits.size(), paidTopUps.size(), unpaidTopUps.size(), wonClaimIds.size());
    }

    private void oneOperation(SplittableRandom random) {
        int dice = random.nextInt(100);
        Platform.User provider = providers.get(random.nextInt(providers.size()));
        Resend resend = Resend.choose(random);
        if (dice < 10) {
            grant(provider, 1 + random.nextInt(40), resend);
        } else if (dice < 30) {
            topUp(provider, 5 + random.nextInt(56), random.nextInt(6) == 0, resend);
        } else if (dice < 45) {
            refund(random, resend);
        } else if (dice < 65) {
            debit(provider, 1 + random.nextInt(20), resend);
        } else {
            claim(provider, leadIds.get(random.nextInt(leadIds.size())), resend);
        }
    }

    /** Whether a request is sent once, again after its answer, or twice at the same moment. */
    private enum Resend {
        NO, AFTER_ANSWER, AT_ONCE;

        static Resend choose(SplittableRandom random) {
            int dice = random.nextInt(10);
            return dice < 6 ? NO : dice < 9 ? AFTER_ANSWER : AT_ONCE;
        }
    }

    private void grant(Platform.User provider, long amount, Resend resend) {
        String key = "grant-" + UUID.randomUUID();
        if (resend == Resend.AT_ONCE) {
            List<Response> answers = atOnce(() -> Wallets.grant(platform, adminToken, provider.id(), amount, key));
            assertThat(answers).extracting(Response::statusCode).as("grant %s sent twice at once", key)
                    .containsExactlyInAnyOrder(201, 200);
            assertThat(answers.get(0).jsonPath().getLong("entry.id")).isEqualTo(answers.get(1).jsonPath().getLong("entry.id"));
            grants.add(new Grant(key, provider.id(), amount));
            return;
        }
        long entryId = grantOnce(provider, amount, key);
        if (resend == Resend.AFTER_ANSWER) {
            Response again = Wallets.grant(platform, adminToken, provider.id(), amount, key);
            assertThat(again.statusCode()).as("grant %s sent again: %s", key, again.asString()).isEqualTo(200);
            assertThat(again.jsonPath().getBoolean("replayed")).isTrue();
            assertThat(again.jsonPath().getLong("entry.id")).isEqualTo(entryId);
        }
    }

    private long grantOnce(Platform.User provider, long amount, String key) {
        Response answer = Wallets.grant(platform, adminToken, provider.id(), amount, key);
        assertThat(answer.statusCode()).as("grant %s: %s", key, answer.asString()).isEqualTo(201);
        grants.add(new Grant(key, provider.id(), amount));
        return answer.jsonPath().getLong("entry.id");
    }

    /** A top-up, paid through its signed webhook unless {@code abandoned}. One credit costs 1.00 USD. */
    private void topUp(Platform.User provider, long credits, boolean abandoned, Resend resend) {
        JsonPath payment = Payments.topUp(platform, provider.token(), credits, "stripe");
        TopUp topUp = new TopUp(payment.getLong("id"), provider.id(), payment.getString("provider_reference"), credits);
        if (abandoned) {
            unpaidTopUps.add(topUp);
            return;
        }
        String event = Payments.stripeSucceeded("evt_" + UUID.randomUUID().toString().replace("-", ""),
                topUp.reference(), credits * 100);
        if (resend == Resend.AT_ONCE) {
            List<String> outcomes = atOnce(() -> Payments.stripeSignedNow(platform, event).statusCode(200)
                    .extract().jsonPath().getString("status"));
            assertThat(outcomes).as("webhook of %s delivered twice at once", topUp.reference())
                    .containsExactlyInAnyOrder("processed", "duplicate");
        } else {
            Payments.stripeSignedNow(platform, event).statusCode(200)
                    .body("status", equalTo("processed"));
            if (resend == Resend.AFTER_ANSWER) {
                Payments.stripeSignedNow(platform, event).statusCode(200)
                        .body("status", equalTo("duplicate"));
            }
        }
        paidTopUps.add(topUp);
    }

    /**
     * An admin refund of some top-up: of a paid one mostly (all that is left, or part of it, which may
     * be more than is left), of an unpaid one sometimes, which must be refused.
     */
    private void refund(SplittableRandom random, Resend resend) {
        // every draw is made whatever the other clients have done so far, so that a seed replays the same draws
        boolean unpaid = random.nextInt(8) == 0;
        double which = random.nextDouble();
        boolean whole = random.nextInt(3) == 0;
        double part = random.nextDouble();
        List<TopUp> candidates = unpaid ? unpaidTopUps : paidTopUps;
        if (candidates.isEmpty()) {
            return;
        }
        TopUp target = candidates.get((int) (which * candidates.size()));
        BigDecimal amount = whole ? null : BigDecimal.valueOf(1 + (long) (part * target.credits()));
        String key = "refund-" + UUID.randomUUID();
        Callable<Response> request = () -> Payments.refund(platform, adminToken, target.paymentId(), amount,
                "random traffic", key);
        List<Response> answers = resend == Resend.AT_ONCE ? atOnce(request) : new ArrayList<>(List.of(call(request)));
        if (resend == Resend.AFTER_ANSWER) {
            answers.add(call(request));
        }
        // 409: nothing (or not that much) left to refund, or the payment was never paid
        assertThat(answers).extracting(Response::statusCode).as("refund %s of %s", key, target)
                .allMatch(status -> status == 201 || status == 200 || status == 409);
        List<Response> refunded = answers.stream().filter(answer -> answer.statusCode() != 409).toList();
        if (unpaid) {
            assertThat(refunded).as("refunds of unpaid top-up %s", target).isEmpty();
        }
        if (!refunded.isEmpty()) {
            assertThat(answers).as("answers to refund %s, sent %s", key, resend).hasSameSizeAs(refunded);
            assertThat(refunded).extracting(Response::statusCode).filteredOn(status -> status == 201).hasSize(1);
            assertThat(refunded).extracting(answer -> answer.jsonPath().getLong("id")).containsOnly(
                    refunded.get(0).jsonPath().getLong("id"));
        }
    }

    /** A debit as leads-service asks for one, over NATS; an answer with an unknown outcome is asked again. */
    private void debit(Platform.User provider, long amount, Resend resend) {
        String key = "direct-" + UUID.randomUUID();
        DebitRequest request = new DebitRequest(provider.id(), amount, key, DEBIT_REFERENCE_PREFIX + key);
        List<WalletReply> replies = resend == Resend.AT_ONCE ? atOnce(() -> finalDebitReply(request))
                : new ArrayList<>(List.of(finalDebitReply(request)));
        if (resend == Resend.AFTER_ANSWER) {
            replies.add(finalDebitReply(request));
        }
        WalletReply first = replies.get(0);
        assertThat(replies).as("answers to debit %s", key).containsOnly(first);
        assertThat(first.ok() || WalletReply.INSUFFICIENT_FUNDS.equals(first.reason()))
                .as("answer to debit %s: %s", key, first).isTrue();
        debits.add(new Debit(key, provider.id(), amount, first.ok()));
    }

    private WalletReply finalDebitReply(DebitRequest request) {
        byte[] body = JsonCodec.encode(request);
        AtomicReference<WalletReply> answer = new AtomicReference<>();
        // busy, unavailable or no answer at all: the same key asked again learns the outcome
        await("a final answer to debit " + request.idempotencyKey()).atMost(ANSWER_BOUND)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    WalletReply reply = askOnce(body);
                    if (reply == null || WalletReply.BUSY.equals(reply.reason())
                            || WalletReply.UNAVAILABLE.equals(reply.reason())) {
                        return false;
                    }
                    answer.set(reply);
                    return true;
                });
        return answer.get();
    }

    private static WalletReply askOnce(byte[] body) throws InterruptedException {
        try {
            Message reply = asLeadsService.request(PaymentSubjects.DEBIT, body).get(ANSWER_BOUND.toSeconds(), TimeUnit.SECONDS);
            return JsonCodec.decode(reply.getData(), WalletReply.class);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            LOG.debugf("debit request unanswered (%s); asking again", e);
            return null;
        }
    }

    /** A claim; 503 (payments busy or the outcome unknown, nothing kept) is tried again with the same key. */
    private void claim(Platform.User provider, long leadId, Resend resend) {
        String key = "claim-" + UUID.randomUUID();
        List<Response> answers = resend == Resend.AT_ONCE ? atOnce(() -> claimPast503(provider, leadId, key))
                : new ArrayList<>(List.of(claimPast503(provider, leadId, key)));
        if (resend == Resend.AFTER_ANSWER) {
            answers.add(claimPast503(provider, leadId, key));
        }
        // 409: no slot left, claimed already, or (sent at once) the same key still being processed
        assertThat(answers).extracting(Response::statusCode).as("claim %s of lead %d by %s", key, leadId, provider.id())
                .allMatch(status -> status == 201 || status == 200 || status == 402 || status == 409);
        List<Response> created = answers.stream().filter(answer -> answer.statusCode() == 201).toList();
        assertThat(created).as("claims created under key %s", key).hasSizeLessThanOrEqualTo(1);
        if (created.isEmpty()) {
            return;
        }
        long claimId = created.get(0).jsonPath().getLong("claim_id");
        wonClaimIds.add(claimId);
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200)
                .extracting(answer -> answer.jsonPath().getLong("claim_id")).allMatch(id -> id == claimId);
        // a refused claim keeps no hold on its key: sent again once credits or a slot came free, it may win
        if (resend == Resend.AFTER_ANSWER && answers.get(0).statusCode() == 201) {
            assertThat(answers.get(1).statusCode()).as("claim %s sent again", key).isEqualTo(200);
        }
    }

    private static Response claimPast503(Platform.User provider, long leadId, String key) {
        AtomicReference<Response> answer = new AtomicReference<>();
        await("an answer other than 503 to claim " + key).atMost(ANSWER_BOUND)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    answer.set(Leads.claim(platform, provider.token(), String.valueOf(leadId), key));
                    return answer.get().statusCode() != 503;
                });
        return answer.get();
    }

    /** Sends the same request from two threads at the same moment; both answers. */
    private <T> List<T> atOnce(Callable<T> request) {
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<T>> both = IntStream.range(0, 2).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try {
                start.await(ANSWER_BOUND.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return call(request);
        }, twins)).toList();
        return new ArrayList<>(both.stream().map(CompletableFuture::join).toList());
    }

    private static <T> T call(Callable<T> request) {
        try {
            return request.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the books -------------------------------------------------------------------------------

    private record LedgerEntry(long id, long userId, long change, long balanceAfter, String kind, String reference,
            String idempotencyKey) {
    }

    private record Payment(long id, long customerId, BigDecimal amount, long credits, String status,
            BigDecimal refundedAmount, String reference) {
    }

    private record RefundRow(long paymentId, BigDecimal amount, long clawedBack, long shortfall) {
    }

    private record ClaimRow(long id, long leadId, long accountId, int price, String status) {
    }

    private record LeadRow(long id, int maxClaims, int claimCount) {
    }

    /** The claim saga settles claims whose charge was uncertain: wait until none is left in between. */
    private static void awaitNoClaimInFlight() {
        await("every claim confirmed or released").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> query(platform.leads().database(),
                        "SELECT count(*) FROM claims WHERE status IN ('pending', 'voiding')",
                        row -> row.getLong(1)).get(0) == 0);
    }

    private void verifyBooks() throws SQLException {
        String paymentsDb = platform.payments().database();
        String leadsDb = platform.leads().database();
        Map<Long, Long> balances = new HashMap<>();
        query(paymentsDb, "SELECT user_id, balance FROM wallets", row -> balances.put(row.getLong(1), row.getLong(2)));
        List<LedgerEntry> ledger = query(paymentsDb, "SELECT id, user_id, change, balance_after, kind, reference, "
                + "idempotency_key FROM ledger_entries ORDER BY id", row -> new LedgerEntry(row.getLong(1),
                row.getLong(2), row.getLong(3), row.getLong(4), row.getString(5), row.getString(6), row.getString(7)));
        List<Payment> payments = query(paymentsDb, "SELECT id, customer_id, amount, credits, status, refunded_amount, "
                + "provider_reference FROM payments", row -> new Payment(row.getLong(1), row.getLong(2),
                row.getBigDecimal(3), row.getLong(4), row.getString(5), row.getBigDecimal(6), row.getString(7)));
        List<RefundRow> refunds = query(paymentsDb, "SELECT payment_id, amount, credits_clawed_back, credits_shortfall "
                + "FROM refunds", row -> new RefundRow(row.getLong(1), row.getBigDecimal(2), row.getLong(3), row.getLong(4)));
        List<ClaimRow> claims = query(leadsDb, "SELECT id, lead_id, account_id, price, status FROM claims",
                row -> new ClaimRow(row.getLong(1), row.getLong(2), row.getLong(3), row.getInt(4), row.getString(5)));
        List<LeadRow> leads = query(leadsDb, "SELECT id, max_claims, claim_count FROM leads",
                row -> new LeadRow(row.getLong(1), row.getInt(2), row.getInt(3)));
        LOG.infof("books: %d wallets, %d ledger entries, %d payments, %d refunds, %d claims (%d confirmed)",
                balances.size(), ledger.size(), payments.size(), refunds.size(), claims.size(),
                claims.stream().filter(claim -> "confirmed".equals(claim.status())).count());

        SoftAssertions books = new SoftAssertions();
        verifyLedgers(books, balances, ledger);
        verifyClaims(books, ledger, claims, leads);
        verifyDebitsAndGrants(books, ledger);
        verifyTopUpsAndRefunds(books, ledger, payments, refunds);
        verifyBalancesAgainstAcknowledgedOperations(books, balances, claims, payments, refunds);
        books.assertAll();
    }

    private static void verifyLedgers(SoftAssertions books, Map<Long, Long> balances, List<LedgerEntry> ledger) {
        Map<Long, Long> running = new HashMap<>();
        // entries of one wallet are inserted while its row is locked, so their ids follow the order of booking
        for (LedgerEntry entry : ledger) {
            long after = running.merge(entry.userId(), entry.change(), Long::sum);
            books.assertThat(entry.balanceAfter()).as("balance_after of %s", entry).isEqualTo(after);
            books.assertThat(after).as("running balance of wallet %d at %s", entry.userId(), entry).isNotNegative();
        }
        balances.forEach((user, balance) -> {
            books.assertThat(balance).as("balance of wallet %d", user).isNotNegative();
            books.assertThat(running.getOrDefault(user, 0L)).as("ledger sum of wallet %d", user).isEqualTo(balance);
        });
        books.assertThat(balances.keySet()).as("wallets").containsAll(running.keySet());
        books.assertThat(ledger).extracting(LedgerEntry::idempotencyKey).as("ledger idempotency keys")
                .doesNotHaveDuplicates();
    }

    private void verifyClaims(SoftAssertions books, List<LedgerEntry> ledger, List<ClaimRow> claims, List<LeadRow> leads) {
        Map<String, List<LedgerEntry>> byReference = new HashMap<>();
        ledger.stream().filter(entry -> entry.reference() != null && entry.reference().startsWith("lead:"))
                .forEach(entry -> byReference.computeIfAbsent(entry.reference(), ref -> new ArrayList<>()).add(entry));
        Set<String> claimReferences = new HashSet<>();
        for (ClaimRow claim : claims) {
            String reference = "lead:" + claim.leadId() + ":claim:" + claim.id();
            claimReferences.add(reference);
            List<LedgerEntry> entries = byReference.getOrDefault(reference, List.of());
            List<LedgerEntry> charges = entries.stream().filter(entry -> "debit".equals(entry.kind())).toList();
            long net = entries.stream().mapToLong(LedgerEntry::change).sum();
            books.assertThat(charges).as("debits of %s", claim).hasSizeLessThanOrEqualTo(1);
            books.assertThat(entries).as("ledger entries of %s", claim)
                    .allMatch(entry -> entry.userId() == claim.accountId());
            switch (claim.status()) {
                case "confirmed" -> {
                    books.assertThat(charges).as("debit of won %s", claim).hasSize(1);
                    books.assertThat(net).as("net charge of won %s", claim).isEqualTo(-claim.price());
                }
                case "released" -> books.assertThat(net).as("net charge of released %s", claim).isZero();
                default -> books.fail("claim still %s after settling: %s", claim.status(), claim);
            }
        }
        books.assertThat(byReference.keySet()).as("claim references in the ledger").isSubsetOf(claimReferences);
        Map<Long, Long> confirmedByLead = new HashMap<>();
        Map<String, Long> confirmedByProviderAndLead = new HashMap<>();
        claims.stream().filter(claim -> "confirmed".equals(claim.status())).forEach(claim -> {
            confirmedByLead.merge(claim.leadId(), 1L, Long::sum);
            confirmedByProviderAndLead.merge(claim.accountId() + "/" + claim.leadId(), 1L, Long::sum);
        });
        books.assertThat(confirmedByProviderAndLead.values()).as("won claims per provider and lead").allMatch(n -> n == 1);
        for (LeadRow lead : leads) {
            long confirmed = confirmedByLead.getOrDefault(lead.id(), 0L);
            books.assertThat(lead.claimCount()).as("claim_count of lead %d", lead.id()).isEqualTo((int) confirmed);
            books.assertThat(confirmed).as("won claims of lead %d", lead.id()).isLessThanOrEqualTo(lead.maxClaims());
        }
        Set<Long> confirmedIds = new HashSet<>(claims.stream()
                .filter(claim -> "confirmed".equals(claim.status())).map(ClaimRow::id).toList());
        books.assertThat(wonClaimIds).as("claims answered 201").doesNotHaveDuplicates();
        books.assertThat(confirmedIds).as("confirmed claims").containsExactlyInAnyOrderElementsOf(wonClaimIds);
    }

    private void verifyDebitsAndGrants(SoftAssertions books, List<LedgerEntry> ledger) {
        Map<String, List<LedgerEntry>> byKey = new HashMap<>();
        ledger.forEach(entry -> byKey.computeIfAbsent(entry.idempotencyKey(), key -> new ArrayList<>()).add(entry));
        for (Debit debit : debits) {
            List<LedgerEntry> booked = byKey.getOrDefault("debit:" + debit.key(), List.of());
            if (debit.charged()) {
                books.assertThat(booked).as("ledger entries of %s", debit).hasSize(1)
                        .allMatch(entry -> entry.change() == -debit.amount()
                                && entry.userId() == Long.parseLong(debit.userId()));
            } else {
                books.assertThat(booked).as("ledger entries of refused %s", debit).isEmpty();
            }
        }
        books.assertThat(ledger.stream().filter(entry -> entry.reference() != null
                && entry.reference().startsWith(DEBIT_REFERENCE_PREFIX)).count())
                .as("direct debits booked").isEqualTo(debits.stream().filter(Debit::charged).count());
        for (Grant grant : grants) {
            books.assertThat(byKey.getOrDefault("grant:" + grant.key(), List.of())).as("ledger entries of %s", grant)
                    .hasSize(1).allMatch(entry -> entry.change() == grant.amount());
        }
        books.assertThat(ledger).filteredOn(entry -> "grant".equals(entry.kind())).as("grants booked")
                .hasSize(grants.size());
    }

    private void verifyTopUpsAndRefunds(SoftAssertions books, List<LedgerEntry> ledger, List<Payment> payments,
            List<RefundRow> refunds) {
        Map<Long, Payment> byId = new HashMap<>();
        payments.forEach(payment -> byId.put(payment.id(), payment));
        for (TopUp paid : paidTopUps) {
            Payment payment = byId.get(paid.paymentId());
            books.assertThat(payment).as("payment of %s", paid).isNotNull();
            if (payment != null) {
                books.assertThat(payment.status()).as("status of %s", payment).isIn("succeeded", "refunded");
            }
            books.assertThat(ledger).filteredOn(entry -> "top_up".equals(entry.kind())
                    && paid.reference().equals(entry.reference())).as("top-up entries of %s", paid)
                    .hasSize(1).allMatch(entry -> entry.change() == paid.credits());
        }
        for (TopUp unpaid : unpaidTopUps) {
            books.assertThat(byId.get(unpaid.paymentId()).status()).as("status of unpaid %s", unpaid).isEqualTo("pending");
            books.assertThat(ledger).filteredOn(entry -> unpaid.reference().equals(entry.reference()))
                    .as("ledger entries of unpaid %s", unpaid).isEmpty();
        }
        books.assertThat(ledger).filteredOn(entry -> "top_up".equals(entry.kind())).as("top-ups booked")
                .hasSize(paidTopUps.size());
        for (Payment payment : payments) {
            List<RefundRow> own = refunds.stream().filter(refund -> refund.paymentId() == payment.id()).toList();
            BigDecimal refunded = own.stream().map(RefundRow::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            long clawedBack = own.stream().mapToLong(RefundRow::clawedBack).sum();
            long shortfall = own.stream().mapToLong(RefundRow::shortfall).sum();
            long takenBack = -ledger.stream().filter(entry -> "refund".equals(entry.kind())
                    && payment.reference().equals(entry.reference())).mapToLong(LedgerEntry::change).sum();
            books.assertThat(refunded).as("refunds of %s", payment).isEqualByComparingTo(payment.refundedAmount());
            books.assertThat(refunded).as("refunds of %s", payment).isLessThanOrEqualTo(payment.amount());
            books.assertThat(takenBack).as("credits taken back for %s", payment).isEqualTo(clawedBack);
            books.assertThat(clawedBack + shortfall).as("credits refunded of %s", payment)
                    .isLessThanOrEqualTo(payment.credits());
        }
    }

    /** What each wallet must hold by the operations the clients were told succeeded, and the claims that won. */
    private void verifyBalancesAgainstAcknowledgedOperations(SoftAssertions books, Map<Long, Long> balances,
            List<ClaimRow> claims, List<Payment> payments, List<RefundRow> refunds) {
        Map<Long, Long> expected = new HashMap<>();
        grants.forEach(grant -> expected.merge(Long.parseLong(grant.userId()), grant.amount(), Long::sum));
        paidTopUps.forEach(topUp -> expected.merge(Long.parseLong(topUp.userId()), topUp.credits(), Long::sum));
        debits.stream().filter(Debit::charged)
                .forEach(debit -> expected.merge(Long.parseLong(debit.userId()), -debit.amount(), Long::sum));
        claims.stream().filter(claim -> "confirmed".equals(claim.status()))
                .forEach(claim -> expected.merge(claim.accountId(), (long) -claim.price(), Long::sum));
        Map<Long, Long> customerOfPayment = new HashMap<>();
        payments.forEach(payment -> customerOfPayment.put(payment.id(), payment.customerId()));
        refunds.forEach(refund -> expected.merge(customerOfPayment.get(refund.paymentId()), -refund.clawedBack(), Long::sum));
        for (Platform.User provider : providers) {
            long user = Long.parseLong(provider.id());
            books.assertThat(balances.getOrDefault(user, 0L)).as("balance of provider %d by its operations", user)
                    .isEqualTo(expected.getOrDefault(user, 0L));
        }
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private static <T> List<T> query(String database, String sql, RowReader<T> reader) throws SQLException {
        try (java.sql.Connection connection = TestDatabases.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(reader.read(rows));
            }
            return result;
        }
    }
}
