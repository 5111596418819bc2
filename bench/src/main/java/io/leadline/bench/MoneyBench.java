package io.leadline.bench;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The money-path benchmark's loader (bench/run-money.sh), apart from the fan-out one. Modes:
 * <pre>
 *   setup   --leads-url=U --payments-url=U --admin-user=A --admin-password-file=F --providers=P --credits=N --state=FILE
 *           registers P providers over leads-service's REST API and grants each N credits; writes their ids and tokens
 *   debit   --nats-url=U --nats-user=leads --nats-password-file=F --state=FILE --wallets=W --concurrency=C
 *           --requests=N --warmup=N --repeats=R   svc.payments.debit request-replies, as leads-service makes them
 *   claims  --leads-url=U --state=FILE --leads=L --category=plumbing --claimers-per-lead=K --concurrency=C
 *           --repeats=R --warmup-leads=L          POST /api/leads/{id}/claim on fresh verified leads, each repeat
 * </pre>
 * debit and claims take {@code --server-pids=leads:PID,payments:PID} (CPU seconds of the services per repeat)
 * and {@code --out=FILE}; they report every repeat and the median of each figure.
 */
public final class MoneyBench {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private MoneyBench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.out.println("usage: java -cp leadline-bench.jar io.leadline.bench.MoneyBench setup|debit|claims --name=value ...");
            System.exit(2);
        }
        Args args = Args.parse(argv, 1);
        JsonObject result = switch (argv[0]) {
            case "setup" -> setup(args);
            case "debit" -> debit(args);
            case "claims" -> claims(args);
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        };
        if (args.has("out")) {
            Files.writeString(Path.of(args.required("out")), result.encodePrettily());
        }
        System.exit(0);
    }

    // ---- setup ---------------------------------------------------------------------------------------------

    static JsonObject setup(Args args) throws Exception {
        String leadsUrl = args.required("leads-url");
        String paymentsUrl = args.required("payments-url");
        int providers = args.integer("providers", 100);
        long credits = args.lng("credits", 1_000_000);
        String adminToken = token(leadsUrl, args.required("admin-user"),
                Files.readString(Path.of(args.required("admin-password-file"))).strip());
        String tag = Long.toString(System.currentTimeMillis(), 36);
        long t0 = System.nanoTime();
        List<JsonObject> registered = inParallel(providers, args.integer("setup-concurrency", 8), i -> {
            String username = "bench_" + tag + "_" + i;
            String password = "pw-" + UUID.randomUUID();
            JsonObject account = expect(post(leadsUrl + "/api/auth/register", null,
                    new JsonObject().put("username", username).put("password", password).put("role", "provider")), 201);
            String id = String.valueOf(account.getValue("id"));
            expect(post(paymentsUrl + "/api/wallet/" + id + "/grants", adminToken,
                    new JsonObject().put("amount", credits).put("reason", "benchmark credits")), 201);
            return new JsonObject().put("id", id).put("token", token(leadsUrl, username, password));
        });
        JsonObject state = new JsonObject().put("admin_token", adminToken).put("credits", credits)
                .put("providers", new JsonArray(new ArrayList<>(registered)));
        Files.writeString(Path.of(args.required("state")), state.encodePrettily());
        System.out.printf("registered %d providers with %d credits each in %.1f s%n", providers, credits,
                (System.nanoTime() - t0) / 1e9);
        return new JsonObject().put("providers", providers).put("credits", credits);
    }

    // ---- debit ---------------------------------------------------------------------------------------------

    static JsonObject debit(Args args) throws Exception {
        JsonObject state = new JsonObject(Files.readString(Path.of(args.required("state"))));
        JsonArray providers = state.getJsonArray("providers");
        int walletCount = Math.min(args.integer("wallets", 100), providers.size());
        String[] wallets = new String[walletCount];
        for (int i = 0; i < walletCount; i++) {
            wallets[i] = providers.getJsonObject(i).getString("id");
        }
        int concurrency = args.integer("concurrency", 32);
        int requests = args.integer("requests", 10_000);
        int repeats = args.integer("repeats", 3);
        String subject = args.str("subject", "svc.payments.debit");
        String user = args.str("nats-user", "leads");
        Options options = Options.builder().server(args.required("nats-url"))
                .userInfo(user, Files.readString(Path.of(args.required("nats-password-file"))).strip())
                .inboxPrefix(args.str("inbox-prefix", "_INBOX_" + user))
                .connectionName("leadline-money-bench").connectionTimeout(Duration.ofSeconds(10)).build();
        Map<String, Long> servers = serverPids(args);
        String tag = Long.toString(System.currentTimeMillis(), 36);
        try (Connection nats = Nats.connect(options)) {
            Attempt attempt = i -> {
                String wallet = wallets[i % wallets.length];
                String key = "bench-" + tag + "-" + i;
                byte[] body = new JsonObject().put("user_id", wallet).put("amount", 1).put("idempotency_key", key)
                        .put("reference", "bench:" + tag + ":" + i).encode().getBytes(StandardCharsets.UTF_8);
                Message reply = nats.request(subject, body, REQUEST_TIMEOUT);
                JsonObject answer = new JsonObject(new String(reply.getData(), StandardCharsets.UTF_8));
                return answer.getBoolean("ok", false) ? "ok" : answer.getString("reason", "no_reason");
            };
            int warmup = args.integer("warmup", Math.min(requests / 5, 2_000));
            int offset = 0;
            if (warmup > 0) {
                Repeat warm = run(warmup, concurrency, offset, attempt, "ok", servers);
                offset += warmup;
                System.out.printf("debit warm-up: %s%n", warm.line());
            }
            List<Repeat> results = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                Repeat repeat = run(requests, concurrency, offset, attempt, "ok", servers);
                offset += requests;
                results.add(repeat);
                System.out.printf("debit repeat %d/%d: %s%n", r + 1, repeats, repeat.line());
            }
            return summary("debit", results).put("settings", new JsonObject().put("requests", requests)
                    .put("concurrency", concurrency).put("wallets", walletCount).put("warmup", warmup)
                    .put("subject", subject).put("nats_user", user));
        }
    }

    // ---- claims --------------------------------------------------------------------------------------------

    static JsonObject claims(Args args) throws Exception {
        JsonObject state = new JsonObject(Files.readString(Path.of(args.required("state"))));
        String leadsUrl = args.required("leads-url");
        String adminToken = state.getString("admin_token");
        List<String> tokens = new ArrayList<>();
        state.getJsonArray("providers").forEach(p -> tokens.add(((JsonObject) p).getString("token")));
        int leadCount = args.integer("leads", 250);
        int claimersPerLead = Math.min(args.integer("claimers-per-lead", 4), tokens.size());
        int concurrency = args.integer("concurrency", 32);
        int repeats = args.integer("repeats", 3);
        int warmupLeads = args.integer("warmup-leads", Math.max(1, leadCount / 5));
        String category = args.str("category", "plumbing");
        Map<String, Long> servers = serverPids(args);
        Random random = new Random(args.lng("seed", 42));

        List<Repeat> results = new ArrayList<>();
        for (int r = -1; r < repeats; r++) {
            boolean warm = r < 0;
            if (warm && warmupLeads == 0) {
                continue;
            }
            int leadsNow = warm ? warmupLeads : leadCount;
            long t0 = System.nanoTime();
            List<String> leadIds = inParallel(leadsNow, 8, i -> {
                String id = String.valueOf(expect(post(leadsUrl + "/api/leads", null, leadForm(category, i)), 201)
                        .getValue("id"));
                expect(post(leadsUrl + "/api/leads/" + id + "/verify", adminToken, null), 200);
                return id;
            });
            // each lead gets K different providers; the order is shuffled so that claims on one lead overlap
            List<String[]> pairs = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < tokens.size(); p++) {
                order.add(p);
            }
            for (String leadId : leadIds) {
                Collections.shuffle(order, random);
                for (int k = 0; k < claimersPerLead; k++) {
                    pairs.add(new String[]{leadId, tokens.get(order.get(k))});
                }
            }
            Collections.shuffle(pairs, random);
            System.out.printf("claims %s: %d verified leads in %.1f s, %d claim attempts%n",
                    warm ? "warm-up" : "repeat " + (r + 1) + "/" + repeats, leadsNow, (System.nanoTime() - t0) / 1e9,
                    pairs.size());
            String tag = Long.toString(System.nanoTime(), 36);
            Attempt attempt = i -> {
                String[] pair = pairs.get(i);
                HttpRequest request = HttpRequest.newBuilder(URI.create(leadsUrl + "/api/leads/" + pair[0] + "/claim"))
                        .timeout(REQUEST_TIMEOUT).header("Authorization", "Bearer " + pair[1])
                        .header("Idempotency-Key", "bench-" + tag + "-" + i)
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                return String.valueOf(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            };
            Repeat repeat = run(pairs.size(), concurrency, 0, attempt, "201", servers);
            System.out.printf("claims %s: %s%n", warm ? "warm-up" : "repeat " + (r + 1) + "/" + repeats, repeat.line());
            if (!warm) {
                results.add(repeat);
            }
        }
        return summary("claims", results).put("settings", new JsonObject().put("leads", leadCount)
                .put("category", category).put("claimers_per_lead", claimersPerLead).put("concurrency", concurrency)
                .put("providers", tokens.size()).put("warmup_leads", warmupLeads));
    }

    static JsonObject leadForm(String category, int i) {
        return new JsonObject().put("title", "Benchmark lead " + i).put("description",
                        "The water heater in the basement has been leaking since Monday.")
                .put("category", category).put("contact_name", "Zelda Quibbleworth")
                .put("contact_email", "zelda.quibbleworth@example.com").put("contact_phone", "+1 555 013 4477")
                .put("city", "Austin").put("state", "TX").put("zip", "78701").put("property_type", "single_family")
                .put("units", 1).put("urgency", "high");
    }

    // ---- measuring -----------------------------------------------------------------------------------------

    /** One request; returns the outcome it is counted under (a reason, an HTTP status). */
    interface Attempt {
        String make(int index) throws Exception;
    }

    /** One measured repeat. {@code accepted} counts the outcome the phase is about (a debit booked, a 201). */
    record Repeat(int requests, double seconds, long accepted, Map<String, Long> outcomes, long[] sortedNanos,
            Map<String, long[]> sortedNanosByOutcome, double loaderCpuSeconds, Map<String, Double> serverCpuSeconds,
            String loadAverage) {

        double perSecond() {
            return requests / seconds;
        }

        double acceptedPerSecond() {
            return accepted / seconds;
        }

        double percentileMs(double p) {
            return percentileMs(sortedNanos, p);
        }

        static double percentileMs(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }

        /** p50/p99/max in ms of each outcome: tells whether the slow answers are the accepted ones. */
        String latencyByOutcome() {
            StringBuilder text = new StringBuilder();
            sortedNanosByOutcome.forEach((outcome, sorted) -> text.append(text.length() == 0 ? "" : ", ")
                    .append(String.format("%s %.0f/%.0f/%.0f", outcome, percentileMs(sorted, 50), percentileMs(sorted, 99),
                            percentileMs(sorted, 100))));
            return text.toString();
        }

        String line() {
            return String.format("%d in %.1f s: %.0f/s, accepted %.0f/s, p50 %.1f ms, p99 %.1f ms, outcomes %s (p50/p99/max ms: %s), "
                            + "loader CPU %.1f s (%.0f%% of one core), services CPU %s, load %s", requests, seconds,
                    perSecond(), acceptedPerSecond(), percentileMs(50), percentileMs(99), outcomes, latencyByOutcome(), loaderCpuSeconds,
                    100 * loaderCpuSeconds / seconds, rounded(serverCpuSeconds), loadAverage);
        }

        private static Map<String, Double> rounded(Map<String, Double> seconds) {
            Map<String, Double> rounded = new LinkedHashMap<>();
            seconds.forEach((name, s) -> rounded.put(name, Loader.round(s, 1)));
            return rounded;
        }

        JsonObject json() {
            JsonObject cpu = new JsonObject();
            serverCpuSeconds.forEach((name, s) -> cpu.put(name, Loader.round(s, 2)));
            JsonObject byOutcome = new JsonObject();
            sortedNanosByOutcome.forEach((outcome, sorted) -> byOutcome.put(outcome, new JsonObject()
                    .put("p50_ms", Loader.round(percentileMs(sorted, 50), 2))
                    .put("p99_ms", Loader.round(percentileMs(sorted, 99), 2))
                    .put("max_ms", Loader.round(percentileMs(sorted, 100), 2))));
            return new JsonObject().put("requests", requests).put("seconds", Loader.round(seconds, 2))
                    .put("per_second", Loader.round(perSecond(), 1)).put("accepted", accepted)
                    .put("accepted_per_second", Loader.round(acceptedPerSecond(), 1))
                    .put("p50_ms", Loader.round(percentileMs(50), 2)).put("p99_ms", Loader.round(percentileMs(99), 2))
                    .put("max_ms", Loader.round(percentileMs(100), 2)).put("outcomes", new JsonObject(new TreeMap<>(outcomes)))
                    .put("latency_by_outcome", byOutcome)
                    .put("loader_cpu_s", Loader.round(loaderCpuSeconds, 2))
                    .put("loader_cpu_pct_of_core", Loader.round(100 * loaderCpuSeconds / seconds, 1))
                    .put("server_cpu_s", cpu).put("load_average", loadAverage);
        }
    }

    /** {@code requests} attempts from {@code concurrency} threads, each taking the next index until none is left. */
    static Repeat run(int requests, int concurrency, int offset, Attempt attempt, String acceptedOutcome,
            Map<String, Long> servers) throws Exception {
        long[] nanos = new long[requests];
        String[] outcomeOf = new String[requests];
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        Map<String, Double> serverCpuBefore = serverCpu(servers);
        double cpuBefore = loaderCpuSeconds();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        String outcome;
                        try {
                            outcome = attempt.make(offset + i);
                        } catch (Exception e) {
                            outcome = e.getClass().getSimpleName();
                        }
                        nanos[i] = System.nanoTime() - t0;
                        outcomeOf[i] = outcome;
                        outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double loaderCpu = loaderCpuSeconds() - cpuBefore;
        Map<String, Double> serverCpu = serverCpu(servers);
        serverCpu.replaceAll((name, after) -> after - serverCpuBefore.get(name));
        Map<String, long[]> byOutcome = new TreeMap<>();
        for (String outcome : outcomes.keySet()) {
            byOutcome.put(outcome, java.util.stream.IntStream.range(0, requests).filter(i -> outcome.equals(outcomeOf[i]))
                    .mapToLong(i -> nanos[i]).sorted().toArray());
        }
        Arrays.sort(nanos);
        Map<String, Long> counted = new TreeMap<>();
        outcomes.forEach((outcome, count) -> counted.put(outcome, count.sum()));
        return new Repeat(requests, seconds, counted.getOrDefault(acceptedOutcome, 0L), counted, nanos, byOutcome,
                loaderCpu, serverCpu, loadAverage());
    }

    /** Every repeat, and the median of each figure over the repeats. */
    static JsonObject summary(String phase, List<Repeat> repeats) {
        JsonArray all = new JsonArray();
        repeats.forEach(r -> all.add(r.json()));
        JsonObject median = new JsonObject()
                .put("per_second", Loader.round(median(repeats, Repeat::perSecond), 1))
                .put("accepted_per_second", Loader.round(median(repeats, Repeat::acceptedPerSecond), 1))
                .put("p50_ms", Loader.round(median(repeats, r -> r.percentileMs(50)), 2))
                .put("p99_ms", Loader.round(median(repeats, r -> r.percentileMs(99)), 2))
                .put("loader_cpu_pct_of_core", Loader.round(median(repeats, r -> 100 * r.loaderCpuSeconds() / r.seconds()), 1));
        System.out.printf("%s median of %d: %s%n", phase, repeats.size(), median.encode());
        return new JsonObject().put("phase", phase).put("median", median).put("repeats", all);
    }

    static double median(List<Repeat> repeats, java.util.function.ToDoubleFunction<Repeat> figure) {
        double[] values = repeats.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return 0;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    static double loaderCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    static Map<String, Long> serverPids(Args args) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String entry : args.str("server-pids", "").split(",")) {
            if (!entry.isBlank()) {
                String[] parts = entry.split(":");
                pids.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return pids;
    }

    static Map<String, Double> serverCpu(Map<String, Long> pids) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        pids.forEach((name, pid) -> cpu.put(name, Proc.cpuSeconds(pid)));
        return cpu;
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------

    record Answer(int status, String body) {
    }

    static Answer post(String url, String bearer, JsonObject body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    static JsonObject expect(Answer answer, int status) {
        if (answer.status() != status) {
            throw new IllegalStateException("expected HTTP " + status + ", got " + answer.status() + ": " + answer.body());
        }
        return answer.body().isBlank() ? new JsonObject() : new JsonObject(answer.body());
    }

    static String token(String leadsUrl, String username, String password) throws Exception {
        return expect(post(leadsUrl + "/api/auth/token", null,
                new JsonObject().put("username", username).put("password", password)), 200).getString("access_token");
    }

    /** {@code count} set-up calls from {@code concurrency} threads; the first failure stops the run. */
    static <T> List<T> inParallel(int count, int concurrency, Step<T> step) throws Exception {
        List<T> results = new ArrayList<>(Collections.nCopies(count, null));
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        results.set(i, step.apply(i));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    interface Step<T> {
        T apply(int index) throws Exception;
    }
}
