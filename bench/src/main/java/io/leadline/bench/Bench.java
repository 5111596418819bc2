package io.leadline.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fan-out benchmark's loader and publisher. Modes:
 * <pre>
 *   mint     --key-dir=DIR --count=N --file=FILE [--role=provider]       real RS256 tokens, one per line
 *   fanout   --target=T --subs=N --deliveries=50k,100k,... --p99-ms=200  connect, then sweep publish rates
 *            (or --search=START [--search-max=20m --search-precision=0.05]: x2 until a step fails, then bisect)
 *   connect  --target=T --n=N [--server-pid=PID]                         handshake rate and memory per idle connection
 *   listen   --target=T --n=N --seconds=S                                subscribers only (publisher elsewhere)
 *   publish  --target=T --rate=R --seconds=S                             publisher only
 * </pre>
 * Targets: notify (--url=ws://HOST:PORT/ws --token-file=F | --key-dir=D, --nats-url=..., --batch=1 default;
 * notify-single: the same /ws without batch=1), pusher, nats-ws,
 * node-ws, socketio, fastapi (URLs default to ../shared/peers). Every mode prints human lines and,
 * with --out=FILE, writes its result as JSON.
 */
public final class Bench {

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.out.println("usage: java -jar leadline-bench.jar mint|fanout|connect|listen|publish --name=value ...");
            System.exit(2);
        }
        Args args = Args.parse(argv, 1);
        JsonObject result = switch (argv[0]) {
            case "mint" -> mint(args);
            case "fanout" -> fanout(args);
            case "connect" -> connect(args);
            case "listen" -> listen(args);
            case "publish" -> publish(args);
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        };
        if (args.has("out")) {
            Path out = Path.of(args.required("out")).toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.writeString(out, result.encodePrettily());
        }
        System.out.println("JSON " + result.encode());
        System.exit(0);
    }

    // ---- mint ----------------------------------------------------------------------------------------

    static JsonObject mint(Args args) throws Exception {
        int count = args.integer("count", 10_000);
        long t0 = System.nanoTime();
        List<String> tokens = Tokens.mint(Path.of(args.required("key-dir")), count, args.str("role", "provider"),
                Duration.ofHours(args.integer("hours", 3)));
        Files.write(Path.of(args.required("file")), tokens);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("minted %d tokens in %.1f s%n", count, s);
        return new JsonObject().put("tokens", count).put("seconds", Loader.round(s, 2));
    }

    // ---- fanout ----------------------------------------------------------------------------------------

    static JsonObject fanout(Args args) throws Exception {
        Target target = Target.of(args);
        int subs = args.integer("subs", 1000);
        double p99Limit = args.dbl("p99-ms", 200);
        long warmupMs = (long) (args.dbl("warmup-s", 2) * 1000);
        long measureMs = (long) (args.dbl("measure-s", 5) * 1000);
        long drainMaxMs = (long) (args.dbl("drain-max-s", Math.max(5, p99Limit * 5 / 1000)) * 1000);
        long quiesceMaxMs = (long) (args.dbl("quiesce-max-s", 180) * 1000);
        long maxSeconds = args.lng("max-seconds", 300);
        int retries = args.integer("retries", 1);
        long serverPid = args.lng("server-pid", -1);
        List<Double> ladder = args.has("rates")
                ? args.numbers("rates", "").stream().map(r -> r * subs).toList()
                : args.numbers("deliveries", "50k,100k,200k,300k,400k,500k");
        // --search=START: x2 from START until a step fails, then bisect (instead of the ladder)
        Search search = args.has("search") && args.numbers("search", "").get(0) > 0
                ? new Search(args.numbers("search", "").get(0), args.numbers("search-max", "20m").get(0),
                        args.dbl("search-precision", 0.05), args.integer("search-descents", 4))
                : null;
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;

        target.prepare(args, subs);
        JsonObject out = new JsonObject().put("mode", "fanout").put("target", target.name).put("subs", subs)
                .put("p99_limit_ms", p99Limit).put("warmup_s", warmupMs / 1000.0).put("measure_s", measureMs / 1000.0)
                .put("payload_data_bytes", Payload.DATA_BYTES)
                .put("envelope_bytes", Payload.envelope(Payload.newId(), System.currentTimeMillis(), 0).length)
                .put("loops", args.integer("loops", 2))
                .put("started", Instant.now().toString());
        if (target instanceof Target.Notify notify) {
            out.put("batch", notify.batch);
        }
        try (Loader loader = new Loader(target, subs, sources(args, subs), args.integer("loops", 2))) {
            loader.serverPid = serverPid;
            int concurrency = args.integer("concurrency", 256);
            JsonObject connect = loader.connectAll(args.dbl("connect-rate", 0), concurrency,
                    args.lng("connect-timeout-s", 120) * 1000);
            out.put("connect", connect);
            if (loader.readyNow() < subs) {
                out.put("error", "only " + loader.readyNow() + " of " + subs + " subscribed");
                System.out.println("RESULT [" + target.name + "] " + out.getString("error"));
                return out;
            }
            Proc.sleep(500);
            JsonArray steps = new JsonArray();
            JsonObject[] best = {null};
            try (Publisher publisher = target.publisher(loader.vertx, args)) {
                Publishers.RateDriver driver = new Publishers.RateDriver(publisher);
                // one rate: a step, and once more if it failed (a loaded machine can fail one step by chance)
                java.util.function.BiFunction<Double, String, JsonObject> measure = (deliveries, phase) -> {
                    double rate = deliveries / subs;
                    JsonObject step = null;
                    for (int attempt = 0; attempt <= retries; attempt++) {
                        step = step(loader, publisher, driver, rate, subs, p99Limit, warmupMs, measureMs, drainMaxMs,
                                serverPid, target.name);
                        step.put("attempt", attempt + 1);
                        if (phase != null) {
                            step.put("phase", phase);
                        }
                        steps.add(step);
                        quiesce(loader, quiesceMaxMs); // a failed step can leave a backlog; the next one starts quiet
                        if (loader.readyNow() < subs) {
                            // connections the server closed during an overloaded step: open them again, so
                            // that the next step measures all subscribers again
                            step.put("reopened", loader.reconnectLost(concurrency, 120_000));
                        }
                        if (step.getBoolean("pass") || loader.readyNow() < subs * 0.99) {
                            break;
                        }
                    }
                    if (step.getBoolean("pass")
                            && (best[0] == null || step.getLong("deliveries_per_s") > best[0].getLong("deliveries_per_s"))) {
                        best[0] = step;
                    }
                    return step;
                };
                if (search != null) {
                    out.put("search", searchJson(search));
                    System.out.printf("  search: from %,.0f deliveries/s, x2 until a step fails (at most %,.0f), then bisect to %.0f %%%n",
                            search.start, search.max, search.precision * 100);
                    search.run((deliveries, phase) -> {
                        if (System.nanoTime() > deadline) {
                            System.out.println("  (time budget spent: search stopped)");
                            return Search.Outcome.STOP;
                        }
                        JsonObject step = measure.apply(deliveries, phase);
                        if (loader.readyNow() < subs * 0.99) {
                            System.out.println("  (connections lost and not opened again: search stopped)");
                            return Search.Outcome.STOP;
                        }
                        return step.getBoolean("pass") ? Search.Outcome.PASS : Search.Outcome.FAIL;
                    });
                    out.put("search", searchJson(search));
                    System.out.printf("  search: %s%n", describe(search));
                } else {
                    int failedInARow = 0;
                    int maxFailed = args.integer("max-failed-steps", 2);
                    for (double deliveries : ladder) {
                        if (System.nanoTime() > deadline) {
                            System.out.println("  (time budget spent: ladder stopped)");
                            break;
                        }
                        JsonObject step = measure.apply(deliveries, null);
                        if (!step.getBoolean("pass")) {
                            // stop after two failed steps in a row
                            if (++failedInARow >= maxFailed || loader.readyNow() < subs * 0.99) {
                                break;
                            }
                            continue;
                        }
                        failedInARow = 0;
                    }
                }
                driver.stop();
            }
            JsonObject best0 = best[0];
            out.put("steps", steps);
            out.put("best", best0);
            out.put("close_codes", loader.closeCodesJson());
            if (best0 == null) {
                System.out.printf("RESULT [%s] %d subs: no step met p99 <= %.0f ms%n", target.name, subs, p99Limit);
            } else {
                JsonObject l = best0.getJsonObject("latency");
                System.out.printf("RESULT [%s] %d subs: %,d deliveries/s with p99 <= %.0f ms (publish %.1f/s; p50 %d, p90 %d, p99 %d, max %d ms)%n",
                        target.name, subs, best0.getLong("deliveries_per_s"), p99Limit, best0.getDouble("publish_per_s"),
                        l.getLong("p50_ms"), l.getLong("p90_ms"), l.getLong("p99_ms"), l.getLong("max_ms"));
            }
        }
        return out;
    }

    static JsonObject searchJson(Search search) {
        return new JsonObject().put("start", search.start).put("max", search.max).put("precision", search.precision)
                .put("pass_deliveries_per_s", Double.isNaN(search.pass) ? null : search.pass)
                .put("fail_deliveries_per_s", Double.isNaN(search.fail) ? null : search.fail)
                .put("reached_max", search.reachedMax).put("stopped", search.stopped).put("rates_probed", search.probes);
    }

    static String describe(Search search) {
        if (Double.isNaN(search.pass)) {
            return String.format("no rate passed (lowest tried %,.0f deliveries/s)", search.fail);
        }
        if (search.reachedMax) {
            return String.format("%,.0f deliveries/s passed: the maximum searched", search.pass);
        }
        return String.format("%,.0f deliveries/s passed, %s%s", search.pass,
                Double.isNaN(search.fail) ? "no step failed" : String.format("%,.0f failed", search.fail),
                search.stopped ? " (stopped early)" : "");
    }

    private static JsonObject step(Loader loader, Publisher publisher, Publishers.RateDriver driver, double rate,
            int subs, double p99Limit, long warmupMs, long measureMs, long drainMaxMs, long serverPid, String name) {
        long now = System.currentTimeMillis();
        long windowStart = now + warmupMs;
        long windowEnd = windowStart + measureMs;
        loader.window(windowStart, windowEnd);
        long closed0 = loader.closedAfterReady.sum();
        long errors0 = publisher.errors();
        long receivers = loader.readyNow();
        driver.start(rate, windowStart, windowEnd);
        sleepUntil(windowStart);
        double server0 = Proc.cpuSeconds(serverPid);
        double self0 = Proc.cpuSeconds(Proc.self());
        sleepUntil(windowEnd);
        double server1 = Proc.cpuSeconds(serverPid);
        double self1 = Proc.cpuSeconds(Proc.self());
        driver.stop();
        long published = driver.inWindow();
        long expected = published * receivers;
        long drainStart = System.currentTimeMillis();
        long lastCount = -1;
        long lastChange = drainStart;
        while (loader.delivered.sum() < expected) {
            long t = System.currentTimeMillis();
            long count = loader.delivered.sum();
            if (count != lastCount) {
                lastCount = count;
                lastChange = t;
            }
            if (t - drainStart > drainMaxMs || t - lastChange > 2_000) {
                break;
            }
            Proc.sleep(20);
        }
        Histogram h = loader.histogram();
        long delivered = loader.delivered.sum();
        double seconds = measureMs / 1000.0;
        long closes = loader.closedAfterReady.sum() - closed0;
        long errors = publisher.errors() - errors0;
        JsonObject latency = Loader.latency(h);
        double ratio = expected == 0 ? 0 : (double) delivered / expected;
        double publishRate = published / seconds;
        List<String> why = new ArrayList<>();
        if (h.getTotalCount() == 0 || latency.getLong("p99_ms") > p99Limit) {
            why.add("p99 " + latency.getLong("p99_ms") + " ms > " + (long) p99Limit);
        }
        if (ratio < 0.999) {
            why.add(String.format("delivered %.2f%%", ratio * 100));
        }
        // a mass close (e.g. slow consumers) fails the step; a stray close of one connection does not:
        // its missing deliveries still count against the delivered ratio
        if (closes > Math.max(1, subs / 200)) {
            why.add(closes + " connections closed");
        }
        if (errors > 0) {
            why.add(errors + " publish errors");
        }
        if (publishRate < 0.95 * rate) {
            why.add(String.format("publisher reached %.1f/s of %.1f/s", publishRate, rate));
        }
        boolean pass = why.isEmpty();
        JsonObject step = new JsonObject()
                .put("target_deliveries_per_s", Math.round(rate * subs))
                .put("target_publish_per_s", Loader.round(rate, 2))
                .put("publish_per_s", Loader.round(publishRate, 2))
                .put("published", published)
                .put("receivers", receivers)
                .put("expected", expected)
                .put("delivered", delivered)
                .put("delivered_ratio", Loader.round(ratio, 5))
                .put("deliveries_per_s", Math.round(delivered / seconds))
                .put("latency", latency)
                .put("server_cpu_cores", server0 < 0 ? null : Loader.round((server1 - server0) / seconds, 2))
                .put("loader_cpu_cores", Loader.round((self1 - self0) / seconds, 2))
                .put("closes", closes)
                .put("close_codes", loader.closeCodesJson())
                .put("publish_errors", errors)
                .put("pass", pass)
                .put("why", String.join("; ", why));
        System.out.printf("  [%s %d subs] %8.1f pub/s -> %,9d deliveries/s  p50 %4d  p90 %4d  p99 %5d  max %5d ms  delivered %6.2f%%  cpu server %s loader %.2f  %s%n",
                name, subs, publishRate, step.getLong("deliveries_per_s"), latency.getLong("p50_ms"),
                latency.getLong("p90_ms"), latency.getLong("p99_ms"), latency.getLong("max_ms"), ratio * 100,
                server0 < 0 ? "-" : String.format("%.2f", (server1 - server0) / seconds), (self1 - self0) / seconds,
                pass ? "PASS" : "FAIL (" + String.join("; ", why) + ")");
        return step;
    }

    /**
     * Waits until frames stop arriving (a backlog left by an overloaded step), at most {@code maxMs}. A
     * server that never drops an event (notify-service replays its stream in order) keeps delivering the
     * backlog of an overloaded step for as long as it takes, so the next step must not start before it is
     * gone: it would measure the backlog's age, not its own latency.
     */
    private static void quiesce(Loader loader, long maxMs) {
        long start = System.currentTimeMillis();
        long last = -1;
        long stableSince = start;
        while (System.currentTimeMillis() - start < maxMs) {
            long count = loader.delivered.sum() + loader.outside.sum();
            long t = System.currentTimeMillis();
            if (count != last) {
                last = count;
                stableSince = t;
            } else if (t - stableSince >= 500) {
                return;
            }
            Proc.sleep(50);
        }
    }

    // ---- connect: handshake rate and memory per idle connection -------------------------------------------

    static JsonObject connect(Args args) throws Exception {
        Target target = Target.of(args);
        int n = args.integer("n", 10_000);
        int warm = args.integer("warmup-conns", 500);
        long pid = args.lng("server-pid", -1);
        double rate = args.dbl("connect-rate", 0);
        int concurrency = args.integer("concurrency", 256);
        target.prepare(args, Math.max(n, warm));
        JsonObject out = new JsonObject().put("mode", "connect").put("target", target.name).put("n", n)
                .put("warmup_conns", warm).put("started", Instant.now().toString());
        if (warm > 0) {
            // first connections load classes, compile code and grow pools: not a per-connection cost
            try (Loader warmup = new Loader(target, warm, sources(args, warm), args.integer("loops", 2))) {
                warmup.serverPid = pid;
                warmup.connectAll(rate, concurrency, 60_000);
            }
            Proc.sleep(2_000);
        }
        boolean jvm = pid > 0 && Proc.isJvm(pid);
        if (jvm) {
            Proc.jcmd(pid, "GC.run");
            Proc.sleep(1_500);
        }
        long rss0 = pid > 0 ? Proc.rssKb(pid) : -1;
        long heap0 = jvm ? Proc.heapUsedKb(pid) : -1;
        java.util.Map<String, long[]> classes0 = jvm && args.flag("class-histogram") ? Proc.classHistogram(pid) : null;
        // --native-memory: a server started with -XX:NativeMemoryTracking=summary says where its RSS went
        String baseline = jvm && args.flag("native-memory") ? Proc.jcmd(pid, "VM.native_memory baseline") : null;
        boolean nmt = baseline != null && !baseline.contains("not enabled");
        try (Loader loader = new Loader(target, n, sources(args, n), args.integer("loops", 2))) {
            loader.serverPid = pid;
            JsonObject connect = loader.connectAll(rate, concurrency, args.lng("connect-timeout-s", 120) * 1000);
            out.put("connect", connect);
            Proc.sleep(3_000);
            long rssConnected = pid > 0 ? Proc.rssKb(pid) : -1;
            if (jvm) {
                Proc.jcmd(pid, "GC.run");
                Proc.sleep(1_500);
            }
            long rss1 = pid > 0 ? Proc.rssKb(pid) : -1;
            long heap1 = jvm ? Proc.heapUsedKb(pid) : -1;
            long held = loader.readyNow();
            out.put("held", held);
            if (pid > 0 && held > 0) {
                JsonObject memory = new JsonObject()
                        .put("rss_before_kb", rss0).put("rss_connected_kb", rssConnected).put("rss_after_gc_kb", rss1)
                        .put("rss_per_conn_bytes", Math.round((rss1 - rss0) * 1024.0 / held))
                        .put("jvm", jvm);
                if (jvm) {
                    memory.put("heap_used_before_kb", heap0).put("heap_used_after_kb", heap1)
                            .put("heap_per_conn_bytes", Math.round((heap1 - heap0) * 1024.0 / held));
                    // with the whole heap touched at start (-XX:+AlwaysPreTouch, -Xms = -Xmx) RSS no longer moves with
                    // the pages the collector happened to touch: its growth is the memory outside the heap, and with
                    // the live heap it adds up to what an idle connection keeps
                    String flags = Proc.jcmd(pid, "VM.flags");
                    if (flags != null && flags.contains("+AlwaysPreTouch")) {
                        memory.put("retained_per_conn_bytes", memory.getLong("heap_per_conn_bytes")
                                + memory.getLong("rss_per_conn_bytes"));
                    }
                }
                out.put("memory", memory);
                System.out.printf("[%s] memory: RSS %,d KiB -> %,d KiB with %,d idle subscribed connections (after GC): %,d bytes/connection%s%s%n",
                        target.name, rss0, rss1, held, memory.getLong("rss_per_conn_bytes"),
                        jvm ? String.format("; Java heap used %,d -> %,d KiB: %,d bytes/connection", heap0, heap1,
                                memory.getLong("heap_per_conn_bytes")) : "",
                        memory.containsKey("retained_per_conn_bytes")
                                ? String.format("; heap pre-touched, so retained = heap + RSS growth = %,d bytes/connection",
                                        memory.getLong("retained_per_conn_bytes"))
                                : "");
            }
            if (nmt) {
                String diff = Proc.jcmd(pid, "VM.native_memory summary.diff scale=KB");
                out.put("native_memory_diff", diff);
                System.out.printf("[%s] native memory after the connections, against before (jcmd VM.native_memory summary.diff):%n%s%n",
                        target.name, diff);
            }
            if (classes0 != null && held > 0) {
                out.put("class_histogram_per_conn", classDiff(classes0, Proc.classHistogram(pid), held));
            }
            long hold = args.lng("hold-s", 0);
            if (hold > 0) {
                Proc.sleep(hold * 1000);
            }
            out.put("close_codes", loader.closeCodesJson());
        }
        return out;
    }

    /** The classes that grew most between two histograms, per held connection. */
    private static JsonArray classDiff(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after, long held) {
        int args_top = 60;
        List<java.util.Map.Entry<String, long[]>> growth = new ArrayList<>();
        after.forEach((name, a) -> {
            long[] b = before.getOrDefault(name, new long[2]);
            growth.add(java.util.Map.entry(name, new long[] {a[0] - b[0], a[1] - b[1]}));
        });
        growth.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        JsonArray top = new JsonArray();
        long total = 0;
        for (java.util.Map.Entry<String, long[]> e : growth) {
            total += e.getValue()[1];
        }
        System.out.printf("  heap growth by class (GC.class_histogram), total %,d bytes/connection:%n", total / held);
        for (java.util.Map.Entry<String, long[]> e : growth.subList(0, Math.min(args_top, growth.size()))) {
            double perConnInstances = e.getValue()[0] / (double) held;
            long perConnBytes = e.getValue()[1] / held;
            System.out.printf("    %6d B  %5.2f objects  %s%n", perConnBytes, perConnInstances, e.getKey());
            top.add(new JsonObject().put("class", e.getKey()).put("bytes_per_conn", perConnBytes)
                    .put("instances_per_conn", Loader.round(perConnInstances, 2)));
        }
        return top;
    }

    // ---- listen / publish: the two halves in separate processes (e.g. several loaders for > 19k sockets) ----

    static JsonObject listen(Args args) throws Exception {
        Target target = Target.of(args);
        int n = args.integer("n", 1000);
        target.prepare(args, n);
        JsonObject out = new JsonObject().put("mode", "listen").put("target", target.name).put("n", n);
        try (Loader loader = new Loader(target, n, sources(args, n), args.integer("loops", 2))) {
            out.put("connect", loader.connectAll(args.dbl("connect-rate", 0), args.integer("concurrency", 256),
                    args.lng("connect-timeout-s", 120) * 1000));
            long seconds = args.lng("seconds", 30);
            long start = System.currentTimeMillis();
            loader.window(start, Long.MAX_VALUE);
            Proc.sleep(seconds * 1000);
            Histogram h = loader.histogram();
            long delivered = loader.delivered.sum();
            JsonObject latency = Loader.latency(h);
            out.put("delivered", delivered).put("deliveries_per_s", Math.round(delivered / (double) seconds))
                    .put("latency", latency).put("closes", loader.closedAfterReady.sum())
                    .put("close_codes", loader.closeCodesJson());
            System.out.printf("[%s] %d connections, %,d deliveries/s over %d s, p50 %d p90 %d p99 %d max %d ms, %d closed%n",
                    target.name, loader.readyNow(), out.getLong("deliveries_per_s"), seconds, latency.getLong("p50_ms"),
                    latency.getLong("p90_ms"), latency.getLong("p99_ms"), latency.getLong("max_ms"),
                    loader.closedAfterReady.sum());
        }
        return out;
    }

    static JsonObject publish(Args args) throws Exception {
        Target target = Target.of(args);
        double rate = args.dbl("rate", 100);
        long seconds = args.lng("seconds", 30);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (Publisher publisher = target.publisher(vertx, args)) {
            Publishers.RateDriver driver = new Publishers.RateDriver(publisher);
            driver.start(rate, 0, Long.MAX_VALUE);
            Proc.sleep(seconds * 1000);
            driver.stop();
            Proc.sleep(1000);
            System.out.printf("[%s] published %,d events in %d s (%.1f/s), %d errors, %d unacknowledged%n",
                    target.name, driver.sent(), seconds, driver.sent() / (double) seconds, publisher.errors(),
                    publisher.outstanding());
            return new JsonObject().put("mode", "publish").put("target", target.name).put("published", driver.sent())
                    .put("per_s", driver.sent() / (double) seconds).put("errors", publisher.errors());
        } finally {
            vertx.close();
        }
    }

    /** --sources=K loopback source addresses 127.0.0.1..K (default: one per 20,000 connections). */
    static List<String> sources(Args args, int connections) {
        int k = args.integer("sources", Math.max(1, (connections + 19_999) / 20_000));
        List<String> list = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            list.add("127.0.0." + i);
        }
        return list;
    }

    private static void sleepUntil(long epochMs) {
        long wait = epochMs - System.currentTimeMillis();
        if (wait > 0) {
            Proc.sleep(wait);
        }
    }
}
