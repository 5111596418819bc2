package io.leadline.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Short-lived notify-service clients at a steady rate, as users who open the app, glance and leave: each one
 * authenticates on the upgrade (its own user's JWT), gets {@code connected}, subscribes to {@code leads}, sends
 * {@code ping}, and closes (1000) as soon as an event or the {@code pong} arrives. A cycle that has not
 * finished after the time-out, or that the server refuses or closes, counts as failed.
 */
final class Churn implements AutoCloseable {

    private static final String SUBSCRIBE = "{\"type\":\"subscribe\",\"channel\":\"leads\"}";
    private static final String PING = "{\"type\":\"ping\"}";

    private final Vertx vertx;
    private final WebSocketClient client;
    private final String host;
    private final int port;
    private final String uri;
    private final List<String> tokens;
    private final long timeoutMs;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger errorsLogged = new AtomicInteger();
    private volatile boolean running;
    private Thread driver;

    final LongAdder started = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder byEvent = new LongAdder();
    final LongAdder byPong = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();
    /** Time-outs by the step the cycle had reached: upgrading, upgraded, connected (subscribe sent), subscribed (ping sent). */
    static final String[] STEPS = {"upgrading", "upgraded", "connected", "subscribed"};
    final LongAdder[] timedOutAt = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    /** Upgraded but no {@code connected} after {@link #NUDGE_MS}: a ping was sent to see whether the socket is alive. */
    final LongAdder nudged = new LongAdder();
    /** Of those, the ones whose {@code pong} came without any {@code connected} before it: the frame was lost. */
    final LongAdder connectedMissing = new LongAdder();
    /** Of those, the ones whose {@code connected} still came, after the ping. */
    final LongAdder connectedLate = new LongAdder();
    static final long NUDGE_MS = 5_000;
    /** Upgrade started to event-or-pong received, ms. */
    private final Recorder cycle = new Recorder(1, TimeUnit.MINUTES.toMillis(10), 3);

    /** {@code url} as ws://host:port/path; {@code tokens}: one per user, used in turn. */
    Churn(Vertx vertx, String url, List<String> tokens, String sourceAddress, long timeoutMs) {
        this.vertx = vertx;
        java.net.URI u = java.net.URI.create(url);
        this.host = u.getHost();
        this.port = u.getPort();
        this.uri = u.getRawPath();
        this.tokens = tokens;
        this.timeoutMs = timeoutMs;
        // a source address of its own: 100 closes a second leave thousands of sockets in TIME_WAIT, which must
        // not take ephemeral ports from the subscribers' address
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000)
                .setConnectTimeout(30_000).setTcpNoDelay(true).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24)
                .setLocalAddress(sourceAddress));
    }

    /** Starts {@code perSecond} cycles a second, evenly spread, from a thread of its own, until {@link #stop}. */
    void start(double perSecond) {
        running = true;
        driver = new Thread(() -> {
            long t0 = System.nanoTime();
            long count = 0;
            while (running) {
                long due = (long) ((System.nanoTime() - t0) * perSecond / 1e9);
                while (count < due && running) {
                    // from a Vert.x context, so that the socket and the connect callback share its event loop:
                    // connecting from this plain thread, about 1 % of the clients never saw the `connected` frame
                    // that arrived with the 101 (a raw-socket client got it every time from the same server)
                    vertx.runOnContext(v -> startOne());
                    count++;
                }
                LockSupport.parkNanos(2_000_000);
            }
        }, "churn");
        driver.setDaemon(true);
        driver.start();
    }

    void stop() {
        running = false;
        if (driver != null) {
            try {
                driver.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            driver = null;
        }
    }

    Histogram cycleHistogram() {
        return cycle.getIntervalHistogram();
    }

    private void startOne() {
        started.increment();
        inFlight.incrementAndGet();
        String token = tokens.get(Math.floorMod(next.getAndIncrement(), tokens.size()));
        long t0 = System.nanoTime();
        Cycle c = new Cycle(t0);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri)
                .setAllowOriginHeader(false).setConnectTimeout(30_000)
                .addHeader("Authorization", "Bearer " + token);
        c.timer = vertx.setTimer(timeoutMs, id -> {
            if (c.finish()) {
                timedOut.increment();
                timedOutAt[c.step].increment();
                logError("cycle not done after " + timeoutMs + " ms, at step " + STEPS[c.step]);
                if (c.ws != null) {
                    c.ws.close();
                }
            }
        });
        client.connect(options).onComplete(ar -> {
            if (ar.failed()) {
                if (c.finish()) {
                    vertx.cancelTimer(c.timer);
                    failed.increment();
                    logError("connect: " + ar.cause());
                }
                return;
            }
            WebSocket ws = ar.result();
            c.ws = ws;
            c.step = 1;
            if (c.done) { // timed out while the upgrade was under way
                ws.close();
                return;
            }
            ws.textMessageHandler(text -> onText(c, ws, text));
            // a server sends `connected` right after the upgrade; when it does not show, is the socket alive at all?
            vertx.setTimer(NUDGE_MS, id -> {
                if (!c.done && c.step == 1) {
                    c.nudged = true;
                    nudged.increment();
                    ws.writeTextMessage(PING);
                }
            });
            ws.exceptionHandler(e -> logError("churn connection: " + e));
            ws.closeHandler(v -> {
                if (c.finish()) {
                    vertx.cancelTimer(c.timer);
                    failed.increment();
                    logError("closed by the server before an event or pong: " + ws.closeStatusCode() + " "
                            + ws.closeReason());
                }
            });
        });
    }

    private void onText(Cycle c, WebSocket ws, String text) {
        if (c.done) {
            return;
        }
        if (text.contains("\"type\":\"connected\"")) {
            if (c.nudged) {
                connectedLate.increment();
            }
            c.step = 2;
            ws.writeTextMessage(SUBSCRIBE);
        } else if (text.contains("\"type\":\"subscribed\"")) {
            c.step = 3;
            ws.writeTextMessage(PING);
        } else if (text.contains("\"type\":\"pong\"") && c.step == 1) {
            // the answer to the nudge: the session is open, only its `connected` frame never arrived; go on as a
            // client that saw it would, so that the cycle still subscribes and ends as the others do
            connectedMissing.increment();
            c.step = 2;
            ws.writeTextMessage(SUBSCRIBE);
        } else if (text.contains("\"type\":\"pong\"") && c.step == 3) {
            done(c, ws, byPong);
        } else if (text.contains("\"type\":\"lead_created\"")) {
            done(c, ws, byEvent);
        } else if (text.contains("\"type\":\"error\"")) {
            if (c.finish()) {
                vertx.cancelTimer(c.timer);
                failed.increment();
                logError("error frame: " + text);
                ws.close();
            }
        }
    }

    private void done(Cycle c, WebSocket ws, LongAdder how) {
        if (!c.finish()) {
            return;
        }
        vertx.cancelTimer(c.timer);
        cycle.recordValue(Math.min(TimeUnit.MINUTES.toMillis(10), (System.nanoTime() - c.startedNanos) / 1_000_000));
        completed.increment();
        how.increment();
        ws.close((short) 1000);
    }

    private void logError(String message) {
        if (errorsLogged.incrementAndGet() <= 10) {
            System.out.println("  ! churn: " + message);
        }
    }

    @Override
    public void close() {
        stop();
        client.close();
    }

    /** One client's life: its event loop and the time-out may both try to settle it; the first one does. */
    private final class Cycle {
        final long startedNanos;
        volatile WebSocket ws;
        volatile boolean done;
        volatile long timer;
        volatile int step;
        volatile boolean nudged;

        Cycle(long startedNanos) {
            this.startedNanos = startedNanos;
        }

        /** True exactly once: the caller settles the cycle's outcome. */
        synchronized boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            inFlight.decrementAndGet();
            return true;
        }
    }
}
