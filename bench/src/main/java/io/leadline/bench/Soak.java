package io.leadline.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The loader of bench/run-soak.sh: a long run of notify-service at a steady load, sampled into a CSV. Run it
 * with its own main class (it is not one of {@link Bench}'s modes):
 * <pre>
 *   java -cp leadline-bench.jar io.leadline.bench.Soak --url=ws://127.0.0.1:P/ws --token-file=F
 *        --nats-url=nats://127.0.0.1:N --server-pid=PID --metrics-url=http://127.0.0.1:M/q/metrics
 *        --rate=975 [--subs=1000] [--churn-rate=100] [--churn-users=2000] [--seconds=1800] [--sample-s=30]
 *        [--churn-timeout-s=30] [--churn-source=127.0.0.2] [--loops=2] --csv=FILE [--out=FILE]
 * </pre>
 * {@code --subs} subscribers (tokens 0..subs-1 of the token file, {@code batch=1}) stay on {@code leads} for the
 * whole run while {@code lead_created} events are published to JetStream at {@code --rate} a second, as
 * leads-service publishes them, and {@link Churn} opens and closes {@code --churn-rate} short-lived clients a
 * second (tokens subs..subs+churn-users-1, in turn). Every {@code --sample-s} seconds one CSV row: the server's
 * RSS, heap in use after a forced GC ({@code jcmd PID GC.run}, then {@code jvm_memory_used_bytes{area="heap"}}
 * of its /q/metrics, or {@code GC.heap_info}), open files and threads; what was published and delivered in the
 * interval, the latency of those deliveries, the churn's outcomes and every error the loader saw; the loader's
 * own CPU, open files and threads; and the machine's load average.
 */
public final class Soak {

    static final String CSV_HEADER = "t_s,time_utc,load1,load5,load15,notify_rss_kb,notify_heap_after_gc_kb,"
            + "notify_open_files,notify_threads,notify_cpu_cores,gateway_connections,published_per_s,deliveries_per_s,"
            + "delivered_ratio,p50_ms,p99_ms,max_ms,subscribers,subscriber_closes,churn_started_per_s,"
            + "churn_completed_per_s,churn_by_event,churn_by_pong,churn_failed,churn_timed_out,churn_in_flight,"
            + "churn_p99_ms,churn_connected_missing,publish_errors,publish_outstanding,loader_errors,loader_cpu_cores,loader_open_files_max,"
            + "loader_threads";

    private Soak() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, 0);
        int subs = args.integer("subs", 1000);
        double rate = args.dbl("rate", 0);
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate (events/s) is required");
        }
        double churnRate = args.dbl("churn-rate", 100);
        int churnUsers = args.integer("churn-users", 2000);
        long seconds = args.lng("seconds", 1800);
        long sampleMs = args.lng("sample-s", 30) * 1000;
        long pid = Long.parseLong(args.required("server-pid"));
        String metricsUrl = args.required("metrics-url");
        String url = args.required("url");
        Path tokenFile = Path.of(args.required("token-file"));
        Path csvPath = Path.of(args.required("csv"));

        List<String> churnTokens;
        try (Stream<String> lines = Files.lines(tokenFile)) {
            churnTokens = lines.filter(l -> !l.isBlank()).skip(subs).limit(churnUsers).collect(Collectors.toList());
        }
        if (churnTokens.size() < churnUsers) {
            throw new IllegalArgumentException(tokenFile + " needs " + (subs + churnUsers) + " tokens");
        }
        Args targetArgs = Args.parse(new String[] {"--target=notify", "--batch=1", "--url=" + url,
                "--token-file=" + tokenFile, "--nats-url=" + args.required("nats-url")}, 0);
        Target target = Target.of(targetArgs);
        target.prepare(targetArgs, subs);

        JsonObject out = new JsonObject().put("mode", "soak").put("subs", subs).put("rate_per_s", rate)
                .put("churn_per_s", churnRate).put("churn_users", churnUsers).put("seconds", seconds)
                .put("sample_s", sampleMs / 1000).put("server_pid", pid).put("started", Instant.now().toString());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (Loader loader = new Loader(target, subs, Bench.sources(args, subs), args.integer("loops", 2));
                PrintWriter csv = new PrintWriter(Files.newBufferedWriter(csvPath))) {
            loader.serverPid = pid;
            JsonObject connect = loader.connectAll(0, args.integer("concurrency", 256),
                    args.lng("connect-timeout-s", 120) * 1000);
            out.put("connect", connect);
            if (loader.readyNow() < subs) {
                out.put("error", "only " + loader.readyNow() + " of " + subs + " subscribed");
                finish(args, out);
                return;
            }
            csv.println(CSV_HEADER);
            csv.flush();
            Churn churn = new Churn(loader.vertx, url, churnTokens, args.str("churn-source", "127.0.0.2"),
                    args.lng("churn-timeout-s", 30) * 1000);
            Publisher publisher = target.publisher(loader.vertx, targetArgs);
            Publishers.RateDriver driver = new Publishers.RateDriver(publisher);

            // a row before any load: the subscribers alone
            Counters idle = Counters.take(loader, driver, publisher, churn, pid);
            sample(0, idle, idle, loader, churn, pid, metricsUrl, http, csv, openFiles(Proc.self()));
            long t0 = System.currentTimeMillis();
            loader.window(t0, Long.MAX_VALUE);
            Counters last = Counters.take(loader, driver, publisher, churn, pid);
            driver.start(rate, 0, Long.MAX_VALUE);
            churn.start(churnRate);
            System.out.printf("SOAK %d subscribers, %.1f events/s (%,.0f deliveries/s), %.0f short-lived clients/s, %d s%n",
                    subs, rate, rate * subs, churnRate, seconds);

            long end = t0 + seconds * 1000;
            long nextSample = t0 + sampleMs;
            long loaderFilesMax = 0;
            long loaderFilesMaxAll = 0;
            while (true) {
                long now = System.currentTimeMillis();
                loaderFilesMax = Math.max(loaderFilesMax, openFiles(Proc.self()));
                if (now >= nextSample) {
                    Counters current = Counters.take(loader, driver, publisher, churn, pid);
                    sample((now - t0) / 1000.0, last, current, loader, churn, pid, metricsUrl, http, csv, loaderFilesMax);
                    loaderFilesMaxAll = Math.max(loaderFilesMaxAll, loaderFilesMax);
                    last = current;
                    loaderFilesMax = 0;
                    nextSample += sampleMs;
                    while (nextSample <= System.currentTimeMillis()) {
                        nextSample += sampleMs; // a slow jcmd on a loaded machine: skip, do not bunch samples
                    }
                }
                if (now >= end || !Proc.alive(pid)) {
                    break;
                }
                Proc.sleep(Math.min(1000, Math.max(50, Math.min(nextSample, end) - System.currentTimeMillis())));
            }
            boolean serverAlive = Proc.alive(pid);
            churn.stop();
            driver.stop();
            // what was published last is still on its way: wait until deliveries stop growing
            long drained = drain(loader, driver.sent() * loader.readyNow(), 60_000);
            long waitChurn = System.currentTimeMillis() + args.lng("churn-timeout-s", 30) * 1000 + 5_000;
            while (churn.inFlight.get() > 0 && System.currentTimeMillis() < waitChurn) {
                Proc.sleep(100);
            }
            long published = driver.sent();
            long expected = published * subs;
            out.put("server_alive_at_end", serverAlive)
                    .put("published", published)
                    .put("publish_errors", publisher.errors())
                    .put("expected_deliveries", expected)
                    .put("delivered", drained)
                    .put("delivered_ratio", expected == 0 ? 0 : Loader.round((double) drained / expected, 6))
                    .put("subscriber_closes", loader.closedAfterReady.sum())
                    .put("subscribers_at_end", loader.readyNow())
                    .put("close_codes", loader.closeCodesJson())
                    .put("churn", new JsonObject().put("started", churn.started.sum())
                            .put("completed", churn.completed.sum()).put("by_event", churn.byEvent.sum())
                            .put("by_pong", churn.byPong.sum()).put("failed", churn.failed.sum())
                            .put("timed_out", churn.timedOut.sum()).put("timed_out_at", timedOutAt(churn))
                            .put("nudged", churn.nudged.sum()).put("connected_missing", churn.connectedMissing.sum())
                            .put("connected_late", churn.connectedLate.sum())
                            .put("in_flight_at_end", churn.inFlight.get()))
                    .put("loader_open_files_max", loaderFilesMaxAll)
                    .put("finished", Instant.now().toString());
            System.out.printf("SOAK end: published %,d events (%d errors), delivered %,d of %,d (%.4f%%), %d subscriber(s) closed; "
                            + "churn %,d started, %,d completed (%,d by event, %,d by pong), %,d failed, %,d timed out, "
                            + "%,d got no connected frame (%,d answered the ping, %,d sent it late); "
                            + "loader open files at most %,d%n",
                    published, publisher.errors(), drained, expected, expected == 0 ? 0 : 100.0 * drained / expected,
                    loader.closedAfterReady.sum(), churn.started.sum(), churn.completed.sum(),
                    churn.byEvent.sum(),
                    churn.byPong.sum(), churn.failed.sum(), churn.timedOut.sum(), churn.nudged.sum(),
                    churn.connectedMissing.sum(), churn.connectedLate.sum(), loaderFilesMaxAll);
            churn.close();
            publisher.close();
        }
        finish(args, out);
    }

    private static JsonObject timedOutAt(Churn churn) {
        JsonObject json = new JsonObject();
        for (int i = 0; i < Churn.STEPS.length; i++) {
            json.put(Churn.STEPS[i], churn.timedOutAt[i].sum());
        }
        return json;
    }

    private static void finish(Args args, JsonObject out) throws IOException {
        if (args.has("out")) {
            Files.writeString(Path.of(args.required("out")), out.encodePrettily());
        }
        System.out.println("JSON " + out.encode());
        System.exit(out.containsKey("error") ? 1 : 0);
    }

    private static long drain(Loader loader, long expected, long maxMs) {
        long start = System.currentTimeMillis();
        long lastCount = -1;
        long lastChange = start;
        while (System.currentTimeMillis() - start < maxMs) {
            long count = loader.delivered.sum();
            if (count >= expected) {
                return count;
            }
            long t = System.currentTimeMillis();
            if (count != lastCount) {
                lastCount = count;
                lastChange = t;
            } else if (t - lastChange > 5_000) {
                break;
            }
            Proc.sleep(50);
        }
        return loader.delivered.sum();
    }

    /** Cumulative counts at one instant; a row is the difference of two. */
    private record Counters(long ms, long published, long delivered, long subscriberCloses, long churnStarted,
            long churnCompleted, long churnConnectedMissing, long churnByEvent, long churnByPong, long churnFailed, long churnTimedOut,
            long publishErrors, long publishOutstanding, double loaderCpu, double serverCpu) {

        static Counters take(Loader loader, Publishers.RateDriver driver, Publisher publisher, Churn churn, long pid) {
            return new Counters(System.currentTimeMillis(), driver.sent(), loader.delivered.sum(),
                    loader.closedAfterReady.sum(), churn.started.sum(), churn.completed.sum(), churn.connectedMissing.sum(),
                    churn.byEvent.sum(),
                    churn.byPong.sum(), churn.failed.sum(), churn.timedOut.sum(), publisher.errors(),
                    publisher.outstanding(), Proc.cpuSeconds(Proc.self()), Proc.cpuSeconds(pid));
        }
    }

    private static void sample(double t, Counters a, Counters b, Loader loader, Churn churn, long pid, String metricsUrl,
            HttpClient http, PrintWriter csv, long loaderFilesMax) {
        double dt = Math.max(0.001, (b.ms - a.ms) / 1000.0);
        long subscribers = loader.readyNow();
        Histogram latency = loader.histogram();
        Histogram cycle = churn.cycleHistogram();
        long published = b.published - a.published;
        long delivered = b.delivered - a.delivered;
        // the server's memory after a full collection: what it still holds, not what it has not collected yet
        Proc.jcmd(pid, "GC.run");
        Metrics metrics = Metrics.read(http, metricsUrl);
        long heapKb = metrics.heapUsedBytes >= 0 ? metrics.heapUsedBytes / 1024 : Proc.heapUsedKb(pid);
        String[] load = loadAverage();
        long loaderErrors = (b.publishErrors - a.publishErrors) + (b.churnFailed - a.churnFailed)
                + (b.churnTimedOut - a.churnTimedOut) + (b.subscriberCloses - a.subscriberCloses);
        String row = String.join(",",
                String.format("%.1f", t), Instant.ofEpochMilli(b.ms).toString(), load[0], load[1], load[2],
                Long.toString(Proc.rssKb(pid)), Long.toString(heapKb), Long.toString(openFiles(pid)),
                Long.toString(threads(pid)),
                String.format("%.2f", b.serverCpu < 0 || a.serverCpu < 0 ? -1 : (b.serverCpu - a.serverCpu) / dt),
                Long.toString(metrics.gatewayConnections),
                String.format("%.1f", published / dt), String.format("%.0f", delivered / dt),
                published == 0 ? "" : String.format("%.4f", (double) delivered / (published * (double) subscribers)),
                Long.toString(latency.getValueAtPercentile(50)), Long.toString(latency.getValueAtPercentile(99)),
                Long.toString(latency.getMaxValue()), Long.toString(subscribers),
                Long.toString(b.subscriberCloses - a.subscriberCloses),
                String.format("%.1f", (b.churnStarted - a.churnStarted) / dt),
                String.format("%.1f", (b.churnCompleted - a.churnCompleted) / dt),
                Long.toString(b.churnByEvent - a.churnByEvent), Long.toString(b.churnByPong - a.churnByPong),
                Long.toString(b.churnFailed - a.churnFailed), Long.toString(b.churnTimedOut - a.churnTimedOut),
                Integer.toString(churn.inFlight.get()), Long.toString(cycle.getValueAtPercentile(99)),
                Long.toString(b.churnConnectedMissing - a.churnConnectedMissing),
                Long.toString(b.publishErrors - a.publishErrors), Long.toString(b.publishOutstanding),
                Long.toString(loaderErrors),
                String.format("%.2f", (b.loaderCpu - a.loaderCpu) / dt), Long.toString(loaderFilesMax),
                Long.toString(threads(Proc.self())));
        csv.println(row);
        csv.flush();
        System.out.printf("[%s] t=%.0fs rss %,d KiB heap %,d KiB files %d threads %d | %.0f ev/s -> %,.0f deliveries/s p99 %d ms"
                        + " | churn %.1f/s done, %d without connected, %d errors | loader cpu %.2f files %d | load %s%n",
                Instant.ofEpochMilli(b.ms).toString().substring(11, 19), t, Proc.rssKb(pid), heapKb, openFiles(pid),
                threads(pid), published / dt, delivered / dt, latency.getValueAtPercentile(99),
                (b.churnCompleted - a.churnCompleted) / dt,
                b.churnConnectedMissing - a.churnConnectedMissing, loaderErrors, (b.loaderCpu - a.loaderCpu) / dt,
                loaderFilesMax, load[0]);
    }

    /** What the server's /q/metrics says: heap in use (all heap pools) and the gateway's connection gauge. */
    record Metrics(long heapUsedBytes, long gatewayConnections) {

        static Metrics read(HttpClient http, String url) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return new Metrics(-1, -1);
                }
                return parse(response.body());
            } catch (IOException e) {
                return new Metrics(-1, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Metrics(-1, -1);
            }
        }

        static Metrics parse(String text) {
            double heap = 0;
            boolean sawHeap = false;
            long gateway = -1;
            for (String line : text.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    sawHeap = true;
                } else if (gateway < 0 && (line.startsWith("leadline_gateway_connections ")
                        || line.startsWith("leadline_gateway_connections{"))) {
                    gateway = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return new Metrics(sawHeap ? (long) heap : -1, gateway);
        }
    }

    static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    static long threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring(8).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new String[] {f[0], f[1], f[2]};
        } catch (IOException e) {
            return new String[] {"", "", ""};
        }
    }
}
