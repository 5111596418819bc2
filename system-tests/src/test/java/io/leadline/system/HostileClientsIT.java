package io.leadline.system;

import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.system.harness.NodeTests;
import io.leadline.system.harness.Platform;
import io.leadline.system.harness.RawWebSocket;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.system.harness.TestSocket;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken clients against the packaged notify-service: oversized frames as standard clients see them,
 * then a fuzz of generated frames (seeded, the seed logged: {@code LEADLINE_FUZZ_SEED} replays a run) while
 * well-behaved clients keep receiving every event and answer; at the end the service is ready, its descriptors
 * and memory are back near the baseline, and its log holds no stack trace.
 *
 * <p>The notify-service here lets a connection send far more frames per second than production does
 * ({@code max-inbound-per-second}), so that generated frames reach the parser instead of the rate limiter
 * (LimitsTest covers the limiter), and it times out idle connections after {@value #IDLE_SECONDS} s instead of
 * 60 s, so that half-open sockets are reclaimed within the test.
 */
class HostileClientsIT {

    private static final Logger LOG = Logger.getLogger(HostileClientsIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int IDLE_SECONDS = 15;
    private static final int MIN_FRAMES = 100_000;
    private static final int WORKERS = 3;
    private static final int MAX_MESSAGE = 64 * 1024;
    /** Descriptors the service may hold above its baseline once every hostile socket is gone (pools, files). */
    private static final int FD_TOLERANCE = 16;
    /** Heap used after a full GC above the baseline: a leak of even one buffer per hostile connection exceeds it. */
    private static final long HEAP_TOLERANCE = 32L << 20;
    /** RSS above the baseline: the JVM keeps heap it grew into (-Xmx512m), so this only catches native leaks. */
    private static final long RSS_TOLERANCE = 320L << 20;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private static Platform platform;
    private static ServiceProcess notify;

    @BeforeAll
    static void start() {
        platform = Platform.start(HostileClientsIT.class, configured -> configured.notifyService()
                .property("leadline.gateway.max-inbound-per-second", "1000000")
                .property("leadline.gateway.max-connections-per-user", "1000")
                .property("leadline.gateway.idle-timeout", IDLE_SECONDS + "s")
                .property("quarkus.http.idle-timeout", IDLE_SECONDS + "s"));
        notify = platform.notifyService();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** A 70 KB and a 2 MB text frame, each in one frame from the JDK's client and from Node's ws: 1009, not 1006. */
    @Test
    void oversizedFramesCloseWith1009AsStandardClientsSeeIt() throws Exception {
        String token = platform.register("customer").token();
        NodeTests node = NodeTests.forClients(Duration.ofMinutes(3));
        node.ensureNodeModules("ws");
        Path script = Platform.root().resolve("system-tests/src/test/node/oversized-frame.mjs");
        for (int size : new int[] {70 * 1024, 2 * 1024 * 1024}) {
            try (TestSocket socket = connectSendingWholeMessages(token, size)) {
                socket.awaitType("connected", WAIT);
                try {
                    socket.send("x".repeat(size));
                } catch (IllegalStateException cutOff) {
                    // the server closes before it read the whole frame; the close frame still arrives
                }
                socket.awaitClose(WAIT);
                assertThat(socket.closeCode()).as("JDK client, %d bytes", size).contains(1009);
            }
            List<String> output = runNode(List.of("node", script.toString(), node.clients().toString(),
                    notify.wsUri("/ws").toString(), token, String.valueOf(size)));
            assertThat(output).as("node ws, %d bytes", size).contains("close 1009");
            LOG.infof("oversized %d bytes: JDK client 1009, node ws %s", size, output);
        }
        assertNoStackTrace();
    }

    /**
     * The JDK's client cuts a message into frames of 16 KiB unless told otherwise; here it sends each message in
     * one frame, as browsers and most libraries do.
     */
    private static TestSocket connectSendingWholeMessages(String token, int size) {
        String property = "jdk.httpclient.websocket.intermediateBufferSize";
        String before = System.getProperty(property);
        System.setProperty(property, String.valueOf(size + 1024));
        try {
            return TestSocket.connect(notify.wsUri("/ws"), token);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** What one hostile connection saw: the frames the server sent, counted, and how it ended. */
    private static final class Seen {
        final Set<String> pongs = ConcurrentHashMap.newKeySet();
        final AtomicLong texts = new AtomicLong();
        final AtomicLong controlPongs = new AtomicLong();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        void accept(RawWebSocket.Frame frame) {
            if (frame.opcode() == RawWebSocket.TEXT) {
                texts.incrementAndGet();
                String text = frame.text();
                if (text.startsWith("{\"type\":\"pong\"")) {
                    int id = text.indexOf("\"id\":\"");
                    if (id > 0) {
                        pongs.add(text.substring(id + 6, text.indexOf('"', id + 6)));
                    }
                }
            } else if (frame.opcode() == RawWebSocket.PONG) {
                controlPongs.incrementAndGet();
            } else if (frame.opcode() == RawWebSocket.CLOSE) {
                closed.complete(frame.closeCode());
            }
        }
    }

    private final ConcurrentMap<String, AtomicLong> framesByCategory = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> closesByCode = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong totalFrames = new AtomicLong();

    private void count(String category, int frames) {
        framesByCategory.computeIfAbsent(category, c -> new AtomicLong()).addAndGet(frames);
        totalFrames.addAndGet(frames);
    }

    private void closed(String how, int code) {
        closesByCode.computeIfAbsent(how + "=" + code, c -> new AtomicLong()).incrementAndGet();
    }

    @Test
    void hostileClientsNeitherHurtOthersNorLeak() throws Exception {
        long seed = seed();
        LOG.infof("hostile clients: seed %d (LEADLINE_FUZZ_SEED=%d replays these frames)", seed, seed);
        Platform.User hostile = platform.register("customer");
        Platform.User slowReader = platform.register("provider");
        List<Platform.User> liveUsers = List.of(platform.register("provider"), platform.register("provider"));

        // well-behaved clients, subscribed to leads for the whole run
        List<TestSocket> live = new ArrayList<>();
        for (Platform.User user : liveUsers) {
            TestSocket socket = TestSocket.connect(notify.wsUri("/ws"), user.token());
            socket.awaitType("connected", WAIT);
            socket.send("{\"type\":\"subscribe\",\"channel\":\"leads\",\"id\":\"s\"}");
            socket.awaitType("subscribed", WAIT);
            live.add(socket);
        }

        // warm-up: one short round of every kind of frame, then the baseline
        new Worker(new Random(seed - 1), hostile, 2_000).run();
        Resources baseline = Resources.measure(notify);
        LOG.infof("hostile clients: baseline after warm-up %s", baseline);
        framesByCategory.clear();
        closesByCode.clear();
        totalFrames.set(0);
        failures.clear();

        List<RawWebSocket> halfOpen = new ArrayList<>();
        List<RawWebSocket> idleUpgrades = new ArrayList<>();
        Random halfOpenRandom = new Random(seed + 1000);
        for (int i = 0; i < 8; i++) {
            halfOpen.add(RawWebSocket.tcpOnly(notify.baseUri()));
            RawWebSocket silent = RawWebSocket.upgrade(notify.wsUri("/ws"), hostile.token(), 4096);
            idleUpgrades.add(silent);
            RawWebSocket midFrame = RawWebSocket.upgrade(notify.wsUri("/ws"), hostile.token(), 4096);
            byte[] frame = RawWebSocket.encode(true, 0, RawWebSocket.TEXT, new byte[200], halfOpenRandom);
            midFrame.write(java.util.Arrays.copyOf(frame, 1 + halfOpenRandom.nextInt(frame.length - 1)));
            idleUpgrades.add(midFrame);
        }
        count("half-open", 16);

        // a client that subscribes and never reads while events flow
        RawWebSocket slow = RawWebSocket.upgrade(notify.wsUri("/ws?batch=1"), slowReader.token(), 4096);
        slow.sendText("{\"type\":\"subscribe\",\"channel\":\"leads\"}", halfOpenRandom);
        count("slow-reader", 1);

        AtomicBoolean publishing = new AtomicBoolean(true);
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        AtomicLong liveProblems = new AtomicLong();
        long started = System.nanoTime();
        try (Connection bus = platform.nats().connect(NatsIdentity.LEADS)) {
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> publish(bus, seed, publishing, published));
            CompletableFuture<Void> pinger = CompletableFuture.runAsync(() -> pingLive(live, publishing, liveProblems));
            CompletableFuture<Void> slowPinger = CompletableFuture.runAsync(() -> keepSending(slow, publishing, seed));
            CompletableFuture<Void> replyFlood = CompletableFuture.runAsync(() -> floodWithoutReading(hostile, seed, false))
                    .thenRun(() -> floodWithoutReading(hostile, seed, true));
            List<CompletableFuture<Void>> workers = IntStream.range(0, WORKERS)
                    .mapToObj(w -> CompletableFuture.runAsync(
                            new Worker(new Random(seed * 31 + w), hostile, MIN_FRAMES / WORKERS + 1)))
                    .toList();
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
            replyFlood.join();
            publishing.set(false);
            publisher.join();
            pinger.join();
            slowPinger.join();
        }
        long fuzzMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // every live client got every event, in order, and every answer
        for (TestSocket socket : live) {
            await().atMost(WAIT).until(() -> leadIds(socket).size() >= published.size());
            assertThat(leadIds(socket)).as("leads seen by a well-behaved client").containsExactlyElementsOf(published);
            assertThat(socket.isOpen()).isTrue();
        }
        assertThat(liveProblems.get()).as("pings of well-behaved clients without a pong").isZero();

        // the slow reader was cut, not buffered without bound
        int slowEnd = drainToEnd(slow);
        closed("slow-reader", slowEnd);
        assertThat(slowEnd).as("the slow reader's end").isIn(4008, RawWebSocket.NO_CLOSE_FRAME);
        // its close frame may be lost behind what it never read: the count tells (the other one is the reply flood)
        assertThat(metric("leadline_gateway_slow_consumer_closes_total")).as("slow consumer closes").isGreaterThanOrEqualTo(2);

        // half-open sockets are reclaimed by the server
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (RawWebSocket socket : halfOpen) {
            boolean ended = socket.endedByServer((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            closed("tcp-never-upgraded", ended ? RawWebSocket.NO_CLOSE_FRAME : 0);
            assertThat(ended).as("a TCP connection that never upgraded is closed by the server").isTrue();
            socket.close();
        }
        for (RawWebSocket socket : idleUpgrades) {
            String close = drainToClose(socket);
            closed("upgraded-silent", Integer.parseInt(close.split(" ", 2)[0]));
            assertThat(close).as("a silent upgraded socket").isEqualTo("4008 idle");
            socket.close();
        }

        assertThat(failures).as("hostile connections that did not end as expected (seed %d)", seed).isEmpty();
        long generated = totalFrames.get() - framesByCategory.getOrDefault("ping-flood", new AtomicLong()).get()
                - framesByCategory.getOrDefault("reply-flood", new AtomicLong()).get();
        assertThat(generated).as("generated frames, the floods aside").isGreaterThanOrEqualTo(MIN_FRAMES);

        // the service is ready and back near its baseline
        notify.awaitReady(WAIT);
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> Resources.fds(notify) <= baseline.fds() + FD_TOLERANCE);
        Resources after = Resources.measure(notify);
        LOG.infof("hostile clients: %d frames in %d ms (%d/s); frames %s; closes %s; fds %d -> %d, heap %d -> %d MiB,"
                        + " rss %d -> %d MiB; seed %d", totalFrames.get(), fuzzMs, totalFrames.get() * 1000 / Math.max(1, fuzzMs),
                new TreeMap<>(framesByCategory), new TreeMap<>(closesByCode), baseline.fds(), after.fds(),
                baseline.heapUsed() >> 20, after.heapUsed() >> 20, baseline.rss() >> 20, after.rss() >> 20, seed);
        assertThat(after.fds()).isLessThanOrEqualTo(baseline.fds() + FD_TOLERANCE);
        assertThat(after.heapUsed()).isLessThanOrEqualTo(baseline.heapUsed() + HEAP_TOLERANCE);
        assertThat(after.rss()).isLessThanOrEqualTo(baseline.rss() + RSS_TOLERANCE);
        live.forEach(TestSocket::close);
        assertNoStackTrace();
    }

    private static long seed() {
        String given = System.getenv("LEADLINE_FUZZ_SEED");
        if (given == null) {
            given = System.getProperty("leadline.fuzz.seed");
        }
        return given == null ? System.currentTimeMillis() : Long.parseLong(given.trim());
    }

    // ---- the hostile connections ----

    /**
     * Opens hostile connections one after another until it sent {@code quota} frames. Each connection gets a run of
     * frames the server must answer and survive (random text, binary, JSON shapes, valid fragmented messages,
     * control frames), a protocol ping that must be answered (the connection is alive and in order), then one of
     * the endings: a faulty frame with the close code it must get, an odd close, a cut-off frame, a reset, or a
     * normal close.
     */
    private final class Worker implements Runnable {
        private final Random random;
        private final Platform.User user;
        private final int quota;
        private int connection;

        Worker(Random random, Platform.User user, int quota) {
            this.random = random;
            this.user = user;
            this.quota = quota;
        }

        @Override
        public void run() {
            long sent = 0;
            while (sent < quota) {
                try {
                    sent += oneConnection();
                } catch (IOException | RuntimeException e) {
                    failures.add("connection " + connection + ": " + e);
                    if (failures.size() > 20) {
                        return;
                    }
                }
            }
        }

        private int oneConnection() throws IOException {
            connection++;
            int frames = 0;
            Seen seen = new Seen();
            try (RawWebSocket socket = RawWebSocket.upgrade(platform.notifyService().wsUri(random.nextInt(4) == 0 ? "/ws?batch=1" : "/ws"),
                    user.token(), 0)) {
                socket.startReading(seen::accept);
                int messages = 50 + random.nextInt(400);
                for (int i = 0; i < messages; i++) {
                    frames += survivable(socket);
                }
                String sync = "sync-" + connection;
                socket.sendText("{\"type\":\"ping\",\"id\":\"" + sync + "\"}", random);
                frames++;
                count("protocol-ping", 1);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!seen.pongs.contains(sync) && !seen.closed.isDone() && System.nanoTime() < deadline) {
                    sleep(2);
                }
                if (!seen.pongs.contains(sync)) {
                    failures.add("connection " + connection + ": no pong after " + messages + " survivable frames; closed "
                            + seen.closed.getNow(null));
                    return frames;
                }
                frames += ending(socket, seen);
            }
            return frames;
        }

        /** One message the server answers and keeps the connection for; returns the frames it took. */
        private int survivable(RawWebSocket socket) throws IOException {
            switch (random.nextInt(6)) {
                case 0 -> {
                    socket.sendText(randomText(random.nextInt(300)), random);
                    count("random-text", 1);
                    return 1;
                }
                case 1 -> {
                    socket.send(true, 0, RawWebSocket.BINARY, bytes(random.nextInt(2_000)), random);
                    count("random-binary", 1);
                    return 1;
                }
                case 2, 3 -> {
                    socket.sendText(JsonShapes.any(random, user.id()), random);
                    count("json", 1);
                    return 1;
                }
                case 4 -> {
                    byte[] message = JsonShapes.any(random, user.id()).getBytes(StandardCharsets.UTF_8);
                    int parts = 2 + random.nextInt(Math.min(6, Math.max(1, message.length - 1)));
                    int frames = 0;
                    int from = 0;
                    for (int part = 0; part < parts; part++) {
                        int to = part == parts - 1 ? message.length : from + random.nextInt(message.length - from + 1);
                        socket.send(part == parts - 1, 0, part == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION,
                                java.util.Arrays.copyOfRange(message, from, to), random);
                        frames++;
                        from = to;
                        if (random.nextInt(4) == 0 && part < parts - 1) {
                            // control frames may come between the fragments of a message
                            socket.send(true, 0, RawWebSocket.PING, bytes(random.nextInt(126)), random);
                            frames++;
                        }
                    }
                    count("fragmented", frames);
                    return frames;
                }
                default -> {
                    int opcode = random.nextBoolean() ? RawWebSocket.PING : RawWebSocket.PONG;
                    socket.send(true, 0, opcode, bytes(random.nextInt(126)), random);
                    count("control", 1);
                    return 1;
                }
            }
        }

        /** How the connection ends; records a failure when the server's close code is not the expected one. */
        private int ending(RawWebSocket socket, Seen seen) throws IOException {
            int kind = random.nextInt(12);
            String category;
            int expected;
            int frames = 1;
            switch (kind) {
                case 0 -> {
                    category = "invalid-utf8";
                    expected = 1007;
                    socket.send(true, 0, RawWebSocket.TEXT, invalidUtf8(), random);
                }
                case 1 -> {
                    category = "invalid-utf8";
                    expected = 1007;
                    socket.send(false, 0, RawWebSocket.TEXT, "{\"type\":\"pi".getBytes(StandardCharsets.UTF_8), random);
                    socket.send(true, 0, RawWebSocket.CONTINUATION, invalidUtf8(), random);
                    frames = 2;
                }
                case 2 -> {
                    category = "bad-fragments";
                    expected = 1002;
                    socket.send(random.nextBoolean(), 0, RawWebSocket.CONTINUATION, bytes(random.nextInt(50)), random);
                }
                case 3 -> {
                    category = "bad-fragments";
                    expected = 1002;
                    socket.send(false, 0, random.nextBoolean() ? RawWebSocket.TEXT : RawWebSocket.BINARY, bytes(0), random);
                    socket.send(true, 0, RawWebSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8), random);
                    frames = 2;
                }
                case 4 -> {
                    category = "bad-control";
                    expected = 1002;
                    socket.send(true, 0, RawWebSocket.PING, bytes(126 + random.nextInt(1_000)), random);
                }
                case 5 -> {
                    category = "bad-control";
                    expected = 1002;
                    socket.send(false, 0, random.nextBoolean() ? RawWebSocket.PING : RawWebSocket.CLOSE, bytes(4), random);
                }
                case 6 -> {
                    category = "reserved-bits";
                    expected = 1002;
                    int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
                    if (random.nextBoolean()) {
                        socket.send(true, 0, reserved[random.nextInt(reserved.length)], bytes(random.nextInt(20)), random);
                    } else {
                        socket.send(true, 1 + random.nextInt(7), RawWebSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8), random);
                    }
                }
                case 7 -> {
                    category = "oversized";
                    expected = 1009;
                    if (random.nextBoolean()) {
                        socket.send(true, 0, RawWebSocket.TEXT, new byte[MAX_MESSAGE + 1 + random.nextInt(200_000)], random);
                    } else {
                        int parts = 2 + random.nextInt(3);
                        for (int part = 0; part < parts; part++) {
                            socket.send(part == parts - 1, 0, part == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION,
                                    new byte[MAX_MESSAGE / parts + 100], random);
                        }
                        frames = parts;
                    }
                }
                case 8 -> {
                    category = "odd-close";
                    int[] codes = {0, 1, 999, 1000, 1001, 1004, 1005, 1006, 1015, 1016, 2999, 3000, 4000, 4999, 5000, 65535};
                    int code = codes[random.nextInt(codes.length)];
                    byte[] payload;
                    if (random.nextInt(5) == 0) {
                        payload = new byte[] {(byte) 0x03}; // one byte: no room for a code
                    } else {
                        byte[] reason = random.nextBoolean() ? invalidUtf8() : "bye".getBytes(StandardCharsets.UTF_8);
                        payload = new byte[2 + reason.length];
                        payload[0] = (byte) (code >>> 8);
                        payload[1] = (byte) code;
                        System.arraycopy(reason, 0, payload, 2, reason.length);
                    }
                    socket.send(true, 0, RawWebSocket.CLOSE, payload, random);
                    expected = -1; // any close: the server's answer to an odd close is its choice, tallied
                }
                case 9 -> {
                    category = "cut-mid-frame";
                    byte[] frame = RawWebSocket.encode(true, 0, RawWebSocket.TEXT, bytes(50 + random.nextInt(500)), random);
                    socket.write(java.util.Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1)));
                    count(category, 1);
                    closed(category, 0);
                    return frames; // the socket closes without more, as a client that crashed
                }
                case 10 -> {
                    category = "reset";
                    count(category, 0);
                    closed(category, 0);
                    return 0;
                }
                default -> {
                    category = "normal-close";
                    expected = 1000;
                    socket.send(true, 0, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8}, random);
                }
            }
            count(category, frames);
            Integer code;
            try {
                code = seen.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                failures.add("connection " + connection + " (" + category + "): no close within " + WAIT);
                return frames;
            }
            closed(category, code);
            if (expected > 0 && code != expected) {
                failures.add("connection " + connection + " (" + category + "): closed with " + code + ", not " + expected);
            }
            if (code == RawWebSocket.NO_CLOSE_FRAME && expected < 0) {
                failures.add("connection " + connection + " (" + category + "): ended without a close frame");
            }
            return frames;
        }

        private byte[] bytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }

        private byte[] invalidUtf8() {
            byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                    {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x28, (byte) 0xa1}};
            byte[] prefix = randomText(random.nextInt(40)).getBytes(StandardCharsets.UTF_8);
            byte[] fault = bad[random.nextInt(bad.length)];
            byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + fault.length + 1);
            System.arraycopy(fault, 0, all, prefix.length, fault.length);
            all[all.length - 1] = '}';
            return all;
        }

        private String randomText(int length) {
            StringBuilder text = new StringBuilder(length);
            while (text.length() < length) {
                int codePoint = switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5f);
                    case 1 -> random.nextInt(0x20);
                    case 2 -> 0x80 + random.nextInt(0xd800 - 0x80);
                    default -> 0x10000 + random.nextInt(0x10ffff - 0x10000);
                };
                text.appendCodePoint(codePoint);
            }
            return text.toString();
        }
    }

    /**
     * A client that never reads and sends what is answered (subscribes to a made-up channel of 30 KB, each refused
     * with an error naming it; or, with {@code pings}, WebSocket pings, each answered with a pong): the server must
     * cut it (4008) instead of piling up the answers.
     */
    private void floodWithoutReading(Platform.User user, long seed, boolean pings) {
        Random random = new Random(seed + (pings ? 8 : 7));
        String channel = "x".repeat(30_000);
        String category = pings ? "ping-flood" : "reply-flood";
        try (RawWebSocket socket = RawWebSocket.upgrade(notify.wsUri("/ws"), user.token(), 4096)) {
            CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> {
                int sent = 0;
                byte[] payload = new byte[125];
                try {
                    // about 20 MB of answers: far over the pending bound and every kernel buffer between
                    for (; sent < (pings ? 160_000 : 700); sent++) {
                        if (pings) {
                            socket.send(true, 0, RawWebSocket.PING, payload, random);
                        } else {
                            socket.sendText("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"id\":\"" + sent + "\"}",
                                    random);
                        }
                    }
                } catch (IOException cut) {
                    // the server closed the connection: what this client is for
                }
                return sent;
            });
            int sent;
            try {
                sent = flood.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillWriting) {
                failures.add("a client flooding without reading was neither read nor cut within " + WAIT);
                return;
            }
            count(category, sent);
            String close = drainToClose(socket);
            closed(category, Integer.parseInt(close.split(" ", 2)[0]));
            if (!close.equals("4008 slow consumer")) {
                failures.add(category + ": a client that never read ended with " + close + " after " + sent + " frames");
            }
        } catch (Exception e) {
            failures.add(category + ": " + e);
        }
    }

    /** Reads a socket until it ends; the server's close code, or 1006 when it ended without one. */
    private static int drainToEnd(RawWebSocket socket) throws IOException {
        return Integer.parseInt(drainToClose(socket).split(" ", 2)[0]);
    }

    /**
     * Reads a socket until it ends: the server's close frame as {@code "<code> <reason>"} ({@code "1006 "} when it
     * ended without one). The reason tells a cut as a slow consumer from the idle time-out: both close with 4008.
     */
    private static String drainToClose(RawWebSocket socket) throws IOException {
        CompletableFuture<String> end = new CompletableFuture<>();
        socket.startReading(frame -> {
            if (frame.opcode() == RawWebSocket.CLOSE) {
                byte[] payload = frame.payload();
                end.complete(frame.closeCode() + " "
                        + (payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : ""));
            }
        });
        try {
            return end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("a socket still open " + WAIT + " after it was cut", e);
        }
    }

    // ---- the well-behaved side ----

    private static void publish(Connection bus, long seed, AtomicBoolean publishing, List<String> published) {
        String description = "x".repeat(1_500);
        try {
            JetStream jetStream = bus.jetStream();
            int i = 0;
            while (publishing.get()) {
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
                for (int k = 0; k < 20; k++, i++) {
                    String id = "fuzz-" + seed + "-" + i;
                    LeadCreated lead = new LeadCreated(id, "Lead " + i, description, "plumbing", "Austin", "TX", "medium",
                            "residential", 2, 10, 3, Instant.now());
                    EventEnvelope<LeadCreated> envelope = EventEnvelope.of(Channels.LEADS, lead);
                    acks.add(jetStream.publishAsync(Channels.subjectOf(envelope), JsonCodec.encode(envelope)));
                    published.add(id);
                }
                acks.forEach(CompletableFuture::join);
                sleep(50);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A protocol ping a second from a client that never reads, until it is cut or the run ends: it is never idle, so
     * only the pending bound can close it.
     */
    private static void keepSending(RawWebSocket socket, AtomicBoolean running, long seed) {
        Random random = new Random(seed + 9);
        try {
            while (running.get()) {
                socket.sendText("{\"type\":\"ping\"}", random);
                sleep(1_000);
            }
        } catch (IOException cut) {
            // the server closed it
        }
    }

    private static void pingLive(List<TestSocket> live, AtomicBoolean running, AtomicLong problems) {
        int n = 0;
        while (running.get()) {
            for (TestSocket socket : live) {
                String id = "live-" + n++;
                int before = socket.frameCount();
                socket.send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
                try {
                    socket.awaitFrameAfter(Math.max(0, before - 1),
                            json -> "pong".equals(json.path("type").asText()) && id.equals(json.path("id").asText()), WAIT);
                } catch (AssertionError none) {
                    problems.incrementAndGet();
                }
            }
            sleep(500);
        }
    }

    private static List<String> leadIds(TestSocket socket) {
        return socket.frames().stream().map(TestSocket.Frame::json)
                .filter(json -> json != null && "lead_created".equals(json.path("type").asText()))
                .map(json -> json.path("data").path("id").asText())
                .collect(Collectors.toList());
    }

    // ---- the service's health ----

    private record Resources(long fds, long heapUsed, long rss) {

        static Resources measure(ServiceProcess service) throws Exception {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(service.pid()), "GC.run")
                    .redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            assertThat(gc.waitFor(60, TimeUnit.SECONDS)).as("jcmd GC.run").isTrue();
            return new Resources(fds(service), heapUsed(service), rss(service));
        }

        static long fds(ServiceProcess service) throws IOException {
            try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(service.pid()), "fd"))) {
                return fds.count();
            }
        }

        static long rss(ServiceProcess service) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(service.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS");
        }

        static long heapUsed(ServiceProcess service) throws Exception {
            double sum = 0;
            for (String line : metricsText().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) sum;
        }

        @Override
        public String toString() {
            return "fds " + fds + ", heap used after GC " + (heapUsed >> 20) + " MiB, rss " + (rss >> 20) + " MiB";
        }
    }

    private static String metricsText() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(notify.managementUri().resolve("/q/metrics"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static double metric(String name) throws Exception {
        double sum = 0;
        for (String line : metricsText().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** No ERROR line of the service's log is followed by a stack trace. */
    private static void assertNoStackTrace() {
        List<String> lines = notify.log().lines().toList();
        List<String> traced = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(" ERROR ")) {
                boolean stack = i + 1 < lines.size() && (lines.get(i + 1).startsWith("\tat ")
                        || lines.get(i + 1).matches("^[a-zA-Z_$][\\w.$]*(Exception|Error)(:.*)?$"));
                if (stack) {
                    traced.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 8))));
                }
            }
        }
        assertThat(traced).as("ERROR lines with a stack trace in %s", notify.logFile()).isEmpty();
    }

    private static List<String> runNode(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return lines;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
