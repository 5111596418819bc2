package io.leadline.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One loader process of bench/run-idle.sh: opens {@code --n} authenticated notify-service connections spread
 * over several instances, holds them idle, and says when they are all up. Run it with its own main class
 * (it is not one of {@link Bench}'s modes):
 * <pre>
 *   java -cp leadline-bench.jar io.leadline.bench.Hold --urls=ws://127.0.0.1:P1/ws,ws://127.0.0.1:P2/ws
 *        --token-file=F [--offset=0] --n=N [--sources=127.0.0.2,127.0.0.3] [--concurrency=128]
 *        [--connect-rate=0] [--connect-timeout-s=600] [--ready-file=R] [--stop-file=S] [--max-hold-s=3600] [--out=F]
 * </pre>
 * Tokens {@code offset .. offset+n-1} of the token file (one distinct user each) are split into one
 * contiguous part per URL; each part is a {@link Loader} of its own (one event loop each), all connecting at
 * the same time, the handshakes in flight ({@code --concurrency}) shared between them. Every connection
 * authenticates with its JWT, gets {@code connected}, subscribes to {@code leads} and then stays idle (the
 * loader answers the server's pings). When all have subscribed or failed, the connect result goes to
 * {@code --ready-file} (JSON); the connections are held until {@code --stop-file} exists or
 * {@code --max-hold-s} passed, then the result, with the closes seen while holding, goes to {@code --out}.
 */
public final class Hold {

    private Hold() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, 0);
        List<String> urls = Arrays.stream(args.required("urls").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        int n = args.integer("n", 1000);
        long offset = args.lng("offset", 0);
        List<String> sources = args.has("sources")
                ? Arrays.stream(args.required("sources").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                : Bench.sources(args, n);
        int concurrency = args.integer("concurrency", 128);
        double rate = args.dbl("connect-rate", 0);
        long timeoutMs = args.lng("connect-timeout-s", 600) * 1000;
        int loops = args.integer("loops", 1);
        Path tokenFile = Path.of(args.required("token-file"));

        List<String> tokens;
        try (Stream<String> lines = Files.lines(tokenFile)) {
            tokens = lines.filter(l -> !l.isBlank()).skip(offset).limit(n).collect(Collectors.toList());
        }
        if (tokens.size() < n) {
            throw new IllegalArgumentException("need tokens " + offset + ".." + (offset + n - 1) + " of " + tokenFile
                    + ", it has only " + (offset + tokens.size()));
        }

        // one contiguous part of the tokens per URL, each handed to its own notify target as a token file
        List<Loader> loaders = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int from = 0;
        for (int u = 0; u < urls.size(); u++) {
            int size = n / urls.size() + (u < n % urls.size() ? 1 : 0);
            sizes.add(size);
            if (size == 0) {
                loaders.add(null);
                continue;
            }
            Path part = Files.createTempFile("leadline-hold-", ".tokens");
            try {
                Files.write(part, tokens.subList(from, from + size));
                Args targetArgs = Args.parse(new String[] {"--target=notify", "--url=" + urls.get(u),
                        "--token-file=" + part}, 0);
                Target target = Target.of(targetArgs);
                target.prepare(targetArgs, size);
                loaders.add(new Loader(target, size, sources, loops));
            } finally {
                Files.deleteIfExists(part);
            }
            from += size;
        }
        tokens = null;

        JsonObject out = new JsonObject().put("mode", "hold").put("n", n).put("offset", offset)
                .put("urls", new JsonArray(urls)).put("sources", new JsonArray(sources))
                .put("concurrency", concurrency).put("pid", ProcessHandle.current().pid());
        long startMs = System.currentTimeMillis();
        long t0 = System.nanoTime();
        double self0 = Proc.cpuSeconds(Proc.self());
        ExecutorService pool = Executors.newFixedThreadPool(urls.size());
        List<Future<JsonObject>> futures = new ArrayList<>();
        for (Loader loader : loaders) {
            int share = Math.max(8, concurrency / urls.size());
            futures.add(loader == null ? null : pool.submit(() -> loader.connectAll(rate, share, timeoutMs)));
        }
        JsonArray perUrl = new JsonArray();
        for (int u = 0; u < urls.size(); u++) {
            JsonObject r = futures.get(u) == null ? new JsonObject().put("requested", 0) : futures.get(u).get();
            perUrl.add(r.put("url", urls.get(u)));
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long endMs = System.currentTimeMillis();
        long held = held(loaders);
        long failed = loaders.stream().filter(l -> l != null).mapToLong(l -> l.failed.sum()).sum();
        JsonObject connect = new JsonObject().put("requested", n).put("subscribed", held).put("failed", failed)
                .put("start_epoch_ms", startMs).put("end_epoch_ms", endMs).put("seconds", Loader.round(seconds, 3))
                .put("handshakes_per_s", Math.round(held / seconds))
                .put("loader_cpu_cores", Loader.round((Proc.cpuSeconds(Proc.self()) - self0) / seconds, 2))
                .put("per_url", perUrl);
        out.put("connect", connect);
        System.out.printf("HOLD %,d/%,d connections up (%d failed) in %.1f s over %d instance(s), %d source address(es)%n",
                held, n, failed, seconds, urls.size(), sources.size());
        if (args.has("ready-file")) {
            Path ready = Path.of(args.required("ready-file"));
            Path tmp = Path.of(ready + ".tmp");
            Files.writeString(tmp, connect.encodePrettily());
            Files.move(tmp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        // hold, idle, until told to stop
        Path stop = args.has("stop-file") ? Path.of(args.required("stop-file")) : null;
        long holdUntil = System.currentTimeMillis() + args.lng("max-hold-s", 3600) * 1000;
        long holdStart = System.currentTimeMillis();
        long lastReported = held;
        while (System.currentTimeMillis() < holdUntil && (stop == null || !Files.exists(stop))) {
            Proc.sleep(500);
            long now = held(loaders);
            if (now != lastReported) {
                System.out.printf("HOLD %,d connections held (%+d)%n", now, now - lastReported);
                lastReported = now;
            }
        }
        long closedWhileHolding = loaders.stream().filter(l -> l != null).mapToLong(l -> l.closedAfterReady.sum()).sum();
        JsonObject closeCodes = new JsonObject();
        for (Loader l : loaders) {
            if (l != null) {
                l.closeCodesJson().forEach(e -> closeCodes.put(e.getKey(),
                        closeCodes.getLong(e.getKey(), 0L) + ((Number) e.getValue()).longValue()));
            }
        }
        out.put("held_at_end", held(loaders)).put("held_seconds", (System.currentTimeMillis() - holdStart) / 1000)
                .put("closed_after_subscribed", closedWhileHolding).put("close_codes", closeCodes)
                .put("finished", Instant.now().toString());
        System.out.printf("HOLD end: %,d held after %d s, %d closed by the server or the network%n",
                out.getLong("held_at_end"), out.getLong("held_seconds"), closedWhileHolding);
        if (args.has("out")) {
            Files.writeString(Path.of(args.required("out")), out.encodePrettily());
        }
        for (Loader l : loaders) {
            if (l != null) {
                l.close();
            }
        }
        System.out.println("JSON " + out.encode());
        System.exit(0);
    }

    private static long held(List<Loader> loaders) {
        return loaders.stream().filter(l -> l != null).mapToLong(Loader::readyNow).sum();
    }
}
