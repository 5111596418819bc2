package io.leadline.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Opens N WebSocket connections without blocking (Vert.x event loops, handshakes rate-limited and
 * bounded in flight, spread over several loopback source addresses), subscribes them, and records for
 * every event frame {@code receipt time - ts} (ms) into an HdrHistogram, counted only for events
 * created inside the current measurement window.
 */
final class Loader implements AutoCloseable {

    final Vertx vertx;
    final Target target;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final Conn[] conns;

    final LongAdder opened = new LongAdder();
    final LongAdder connected = new LongAdder();
    final LongAdder ready = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder closedAfterReady = new LongAdder();
    final Map<String, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastConnectedNanos = new AtomicLong();
    private final AtomicLong lastReadyNanos = new AtomicLong();
    private final AtomicInteger errorsLogged = new AtomicInteger();
    /** The server's process, for its CPU time while connecting (optional). */
    long serverPid = -1;

    private final Recorder recorder = new Recorder(1, TimeUnit.HOURS.toMillis(1), 3);
    final LongAdder delivered = new LongAdder();
    final LongAdder outside = new LongAdder();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MIN_VALUE;

    Loader(Target target, int connections, List<String> sources, int eventLoops) {
        this.target = target;
        target.loader = this;
        this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(eventLoops).setWorkerPoolSize(2)
                .setBlockedThreadCheckInterval(10_000));
        for (String source : sources) {
            WebSocketClientOptions options = new WebSocketClientOptions()
                    .setMaxConnections(connections + 16)
                    .setMaxFrameSize(1 << 20)
                    .setMaxMessageSize(1 << 24)
                    .setConnectTimeout(30_000)
                    .setTcpNoDelay(true)
                    .setLocalAddress(source);
            clients.add(vertx.createWebSocketClient(options));
        }
        this.conns = new Conn[connections];
    }

    // ---- connecting ------------------------------------------------------------------------------

    /**
     * Connects every connection: at most {@code ratePerSecond} handshakes started a second (0: no
     * limit) and at most {@code concurrency} not yet subscribed; gives up after {@code timeoutMs}.
     */
    JsonObject connectAll(double ratePerSecond, int concurrency, long timeoutMs) {
        int n = conns.length;
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int started = 0;
        double server0 = Proc.cpuSeconds(serverPid);
        double self0 = Proc.cpuSeconds(Proc.self());
        // called from this plain thread, each connect gets its own context: connections spread over the loops
        while (ready.sum() + failed.sum() < n && System.nanoTime() < deadline) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long allowed = ratePerSecond <= 0 ? n : Math.min(n, (long) (elapsed * ratePerSecond) + 1);
            while (started < allowed && inFlight.get() < concurrency) {
                start(started++);
            }
            LockSupport.parkNanos(200_000);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double serverCpu = serverPid > 0 ? (Proc.cpuSeconds(serverPid) - server0) / wall : -1;
        double loaderCpu = (Proc.cpuSeconds(Proc.self()) - self0) / wall;
        double upSeconds = (lastConnectedNanos.get() - t0) / 1e9;
        double readySeconds = (lastReadyNanos.get() - t0) / 1e9;
        long ok = ready.sum();
        JsonObject result = new JsonObject()
                .put("requested", n)
                .put("started", started)
                .put("connected", connected.sum())
                .put("subscribed", ok)
                .put("failed", failed.sum())
                .put("rate_limit_per_s", ratePerSecond)
                .put("concurrency", concurrency)
                .put("loader_transport", vertx.isNativeTransportEnabled() ? "epoll" : "nio")
                .put("sources", clients.size())
                .put("seconds_to_connected", round(upSeconds, 3))
                .put("seconds_to_subscribed", round(readySeconds, 3))
                .put("handshakes_per_s", upSeconds > 0 ? Math.round(connected.sum() / upSeconds) : 0)
                .put("subscribed_per_s", readySeconds > 0 ? Math.round(ok / readySeconds) : 0)
                .put("server_cpu_cores", serverCpu < 0 ? null : round(serverCpu, 2))
                .put("loader_cpu_cores", round(loaderCpu, 2));
        System.out.printf("[%s] connections %d/%d subscribed (%d failed) in %.2f s: %d handshakes/s (auth+connected), "
                        + "%d subscribed/s [rate limit %s/s, concurrency %d, %d source address(es); cpu server %s loader %.2f]%n",
                target.name, ok, n, failed.sum(), readySeconds, result.getLong("handshakes_per_s"),
                result.getLong("subscribed_per_s"), ratePerSecond <= 0 ? "none" : String.valueOf((long) ratePerSecond),
                concurrency, clients.size(), serverCpu < 0 ? "-" : String.format("%.2f", serverCpu), loaderCpu);
        return result;
    }

    /**
     * Opens again every connection the server closed (e.g. as a slow consumer after an overloaded step),
     * at most {@code concurrency} handshakes in flight, and waits until they are subscribed or
     * {@code timeoutMs} passes. Without it one overloaded step ends a search: every later step would
     * measure fewer receivers. Returns how many were opened again.
     */
    int reconnectLost(int concurrency, long timeoutMs) {
        List<Integer> lost = new ArrayList<>();
        for (Conn conn : conns) {
            if (conn != null && conn.state == Conn.CLOSED) {
                lost.add(conn.index);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long wanted = readyNow() + lost.size();
        int next = 0;
        while (readyNow() < wanted && System.nanoTime() < deadline) {
            while (next < lost.size() && inFlight.get() < concurrency) {
                start(lost.get(next++));
            }
            LockSupport.parkNanos(1_000_000);
        }
        if (!lost.isEmpty()) {
            System.out.printf("  (%d closed connection(s) opened again: %d of %d subscribed)%n", lost.size(),
                    readyNow(), conns.length);
        }
        return lost.size();
    }

    private void start(int i) {
        Conn conn = new Conn(i);
        conns[i] = conn;
        conn.startedNanos = System.nanoTime();
        inFlight.incrementAndGet();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(target.host).setPort(target.port).setURI(target.uri)
                .setAllowOriginHeader(false)
                .setConnectTimeout(30_000); // not setTimeout: that one closed connection 0 after 30 s
        target.headers(options, conn);
        clients.get(i % clients.size()).connect(options, ar -> {
            if (ar.failed()) {
                fail(conn, "connect: " + ar.cause());
                return;
            }
            WebSocket ws = ar.result();
            conn.ws = ws;
            conn.state = Conn.OPEN;
            ws.frameHandler(frame -> {
                if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
                    target.onFrame(conn, frame);
                }
            });
            ws.exceptionHandler(e -> logError("connection " + conn.index + ": " + e));
            ws.closeHandler(v -> onClose(conn, ws));
            target.onOpen(conn);
        });
    }

    private void onClose(Conn conn, WebSocket ws) {
        int before = conn.state;
        conn.state = Conn.CLOSED;
        Short code = ws.closeStatusCode();
        String key = code == null ? "none" : code + (ws.closeReason() == null ? "" : " " + ws.closeReason());
        closeCodes.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (before == Conn.READY) {
            closedAfterReady.increment();
            logError(String.format("connection %d closed after subscribing: code %s, %.1f s after its handshake started",
                    conn.index, key, (System.nanoTime() - conn.startedNanos) / 1e9));
        } else if (before != Conn.CLOSED) {
            fail(conn, "closed before subscribed: " + key);
        }
    }

    private void fail(Conn conn, String why) {
        conn.state = Conn.CLOSED;
        failed.increment();
        inFlight.decrementAndGet();
        logError(why);
    }

    private void logError(String message) {
        if (errorsLogged.incrementAndGet() <= 5) {
            System.out.println("  ! " + message);
        }
    }

    void opened(Conn conn) {
        opened.increment();
    }

    void connected(Conn conn) {
        if (conn.state < Conn.CONNECTED) {
            conn.state = Conn.CONNECTED;
            connected.increment();
            lastConnectedNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    void ready(Conn conn) {
        if (conn.state < Conn.READY) {
            conn.state = Conn.READY;
            ready.increment();
            inFlight.decrementAndGet();
            lastReadyNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    void protocolError(Conn conn, String text) {
        logError("connection " + conn.index + " got " + text);
    }

    // ---- deliveries --------------------------------------------------------------------------------

    void delivery(long ts) {
        long now = System.currentTimeMillis();
        if (ts >= windowStart && ts < windowEnd) {
            recorder.recordValue(Math.max(0, now - ts));
            delivered.increment();
        } else {
            outside.increment();
        }
    }

    /** Counts and records only events created in [start, end) (epoch ms). */
    void window(long start, long end) {
        windowStart = Long.MAX_VALUE;
        windowEnd = Long.MIN_VALUE;
        recorder.reset();
        delivered.reset();
        outside.reset();
        windowEnd = end;
        windowStart = start;
    }

    Histogram histogram() {
        return recorder.getIntervalHistogram();
    }

    long readyNow() {
        return ready.sum() - closedAfterReady.sum();
    }

    JsonObject closeCodesJson() {
        JsonObject json = new JsonObject();
        closeCodes.forEach((k, v) -> json.put(k, v.sum()));
        return json;
    }

    static JsonObject latency(Histogram h) {
        return new JsonObject()
                .put("count", h.getTotalCount())
                .put("p50_ms", h.getValueAtPercentile(50))
                .put("p90_ms", h.getValueAtPercentile(90))
                .put("p99_ms", h.getValueAtPercentile(99))
                .put("p999_ms", h.getValueAtPercentile(99.9))
                .put("max_ms", h.getMaxValue())
                .put("mean_ms", round(h.getMean(), 2));
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    @Override
    public void close() {
        for (Conn conn : conns) {
            if (conn != null && conn.ws != null && conn.state != Conn.CLOSED) {
                conn.state = Conn.CLOSED;
                conn.ws.close();
            }
        }
        Proc.sleep(300);
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    static Buffer buffer(String s) {
        return Buffer.buffer(s);
    }
}
