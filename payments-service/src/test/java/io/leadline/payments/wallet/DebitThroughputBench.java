package io.leadline.payments.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.payments.support.TestDatabase;
import io.leadline.payments.support.Db;
import io.leadline.payments.support.TestNats;
import io.leadline.payments.support.Users;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.PaymentSubjects;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Message;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures debit request-replies over real NATS and PostgreSQL; a measurement, not a test (no timing
 * is asserted). Run: {@code ./mvnw -B -pl payments-service verify -Dtest=DebitThroughputBench -Dleadline.bench=true}
 * with {@code -Dbench.requests=… -Dbench.clients=… -Dbench.wallets=…} to vary the load.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "payments"))
@EnabledIfSystemProperty(named = "leadline.bench", matches = "true")
class DebitThroughputBench {

    private static final Logger LOG = Logger.getLogger(DebitThroughputBench.class);

    @Inject
    TestDatabase dataSource;

    @Test
    void debitRequestReplies() throws Exception {
        int requests = Integer.getInteger("bench.requests", 20_000);
        int clients = Integer.getInteger("bench.clients", 64);
        int walletCount = Integer.getInteger("bench.wallets", 500);
        long[] wallets = new long[walletCount];
        for (int i = 0; i < walletCount; i++) {
            wallets[i] = Users.next();
            WalletDebitTests.grant(wallets[i], 1_000_000);
        }
        run(Math.min(requests / 10, 2_000), clients, wallets, "warmup-"); // JIT and pools
        long[] latencies = new long[requests];
        long started = System.nanoTime();
        int ok = run(requests, clients, wallets, "bench-", latencies);
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(latencies);
        String result = String.format("debit request-reply: %d requests, %d clients, %d wallets: %.0f/s, "
                + "p50 %.2f ms, p99 %.2f ms, max %.2f ms", requests, clients, walletCount, requests / seconds,
                latencies[requests / 2] / 1e6, latencies[(int) (requests * 0.99)] / 1e6, latencies[requests - 1] / 1e6);
        LOG.info(result);
        System.out.println("BENCH " + result);
        assertThat(ok).isEqualTo(requests);
        long total = Db.scalar(dataSource, "SELECT sum(balance) FROM wallets WHERE user_id = ANY (?)",
                (Object) Arrays.stream(wallets).boxed().toArray(Long[]::new));
        assertThat(total).isEqualTo(walletCount * 1_000_000L - requests - Math.min(requests / 10, 2_000));
    }

    private int run(int requests, int clients, long[] wallets, String prefix) throws Exception {
        return run(requests, clients, wallets, prefix, new long[requests]);
    }

    private int run(int requests, int clients, long[] wallets, String prefix, long[] latencies) throws Exception {
        AtomicInteger next = new AtomicInteger();
        String run = prefix + System.nanoTime() + "-";
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long user = wallets[i % wallets.length];
                        byte[] body = WalletDebitTests.debit(String.valueOf(user), 1, run + i, "lead-" + i)
                                .getBytes(StandardCharsets.UTF_8);
                        long t0 = System.nanoTime();
                        Message reply = TestNats.connection().request(PaymentSubjects.DEBIT, body, Duration.ofSeconds(30));
                        latencies[i] = System.nanoTime() - t0;
                        JsonNode answer = JsonCodec.tree(reply.getData());
                        if (answer.path("ok").asBoolean()) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> future : futures) {
                ok += future.get();
            }
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }
}
