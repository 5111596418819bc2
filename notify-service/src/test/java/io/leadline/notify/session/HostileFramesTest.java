package io.leadline.notify.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.RawWsClient;
import io.leadline.notify.TestBus;
import io.leadline.notify.WsTestClient;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.json.JsonCodec;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames a client must not send, on both sockets ({@code /ws} and the Pusher {@code /app/{key}}): each is answered
 * as RFC 6455 and the docs say (1009 for a frame over the size limit, 1007 for text that is not UTF-8, an error
 * frame for a binary frame), no ERROR and no stack trace is logged for them, and the server keeps serving. A client
 * that offers compression gets none: a compressed frame is a protocol error (1002), never inflated.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class HostileFramesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger USERS = new AtomicInteger(870_000 + (int) (System.nanoTime() % 10_000) * 10);
    /** The JDK's client splits a text message into frames of this many bytes (16 KiB unless set). */
    private static final String JDK_FRAME_SIZE = "jdk.httpclient.websocket.intermediateBufferSize";
    /** 0xC3 must be followed by a continuation byte (10xxxxxx); 0x28 is '(' . */
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, 0x28};

    @TestHTTPResource("/ws")
    URI ws;

    @TestHTTPResource("/app/leadline-key?protocol=7")
    URI app;

    private final LoudRecords loud = new LoudRecords();

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(loud);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(loud);
    }

    // ---- one frame over the size limit, from a standard client ----

    @Test
    void oneTextFrameOverTheLimitClosesWith1009OnWs() throws Exception {
        for (int size : new int[] {70_000, 2_000_000}) {
            int code = closeAfterOneFrame(() -> WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider")),
                    "connected", "{\"type\":\"ping\",\"pad\":\"" + "y".repeat(size) + "\"}");
            assertThat(code).as("close code after one frame of %d bytes", size).isEqualTo(1009);
            assertWsServes();
        }
        assertNothingLoud();
    }

    @Test
    void oneTextFrameOverTheLimitClosesWith1009OnApp() throws Exception {
        for (int size : new int[] {70_000, 2_000_000}) {
            int code = closeAfterOneFrame(() -> WsTestClient.anonymous(app), "pusher:connection_established",
                    "{\"event\":\"pusher:ping\",\"data\":\"" + "y".repeat(size) + "\"}");
            assertThat(code).as("close code after one frame of %d bytes", size).isEqualTo(1009);
            assertAppServes();
        }
        assertNothingLoud();
    }

    /**
     * The JDK's client is made to send the message as one frame, as browsers and most libraries do (it cuts a
     * message into 16 KiB frames by default, which the server aggregates and refuses as a message).
     */
    private static int closeAfterOneFrame(Supplier<WsTestClient> connect, String greeting, String text) {
        String before = System.getProperty(JDK_FRAME_SIZE);
        System.setProperty(JDK_FRAME_SIZE, String.valueOf(text.length() + 1024));
        WsTestClient client;
        try {
            client = connect.get();
        } finally {
            if (before == null) {
                System.clearProperty(JDK_FRAME_SIZE);
            } else {
                System.setProperty(JDK_FRAME_SIZE, before);
            }
        }
        try (client) {
            client.await(frame -> greeting.equals(frame.path("type").asText())
                    || greeting.equals(frame.path("event").asText()), WAIT);
            try {
                client.send(text);
            } catch (RuntimeException closedWhileSending) {
                // the server may close before the client has written the whole frame; the close code is what counts
            }
            return client.awaitClose(WAIT);
        }
    }

    @Test
    void aFragmentedMessageOverTheLimitStillClosesWith1009() throws Exception {
        try (WsTestClient client = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            client.awaitType("connected", WAIT);
            client.send("{\"type\":\"ping\",\"pad\":\"" + "y".repeat(70_000) + "\"}"); // 16 KiB frames
            assertThat(client.awaitClose(WAIT)).isEqualTo(1009);
        }
        assertNothingLoud();
    }

    // ---- text that is not UTF-8 ----

    @Test
    void aTextFrameThatIsNotUtf8ClosesWith1007OnWs() throws Exception {
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            assertThat(type(client.readText(WAIT))).isEqualTo("connected");
            client.send(RawWsClient.TEXT, textWith("{\"type\":\"ping\",\"id\":\"", NOT_UTF8, "\"}"));
            assertThat(client.awaitClose(WAIT)).as("close code").isEqualTo(1007);
            assertThat(client.awaitEnd(WAIT)).as("the server ends the connection").isTrue();
        }
        assertWsServes();
        assertNothingLoud();
    }

    @Test
    void aTextFrameThatIsNotUtf8ClosesWith1007OnApp() throws Exception {
        try (RawWsClient client = RawWsClient.anonymous(app)) {
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("event").asText())
                    .isEqualTo("pusher:connection_established");
            client.send(RawWsClient.TEXT, textWith("{\"event\":\"pusher:ping\",\"data\":\"", NOT_UTF8, "\"}"));
            assertThat(client.awaitClose(WAIT)).as("close code").isEqualTo(1007);
            assertThat(client.awaitEnd(WAIT)).as("the server ends the connection").isTrue();
        }
        assertAppServes();
        assertNothingLoud();
    }

    // ---- any other breach of RFC 6455 ----

    @Test
    void anUnmaskedFrameClosesWith1002OnBothSockets() throws Exception {
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            assertThat(type(client.readText(WAIT))).isEqualTo("connected");
            client.sendUnmasked(RawWsClient.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(client.awaitClose(WAIT)).as("close code on /ws").isEqualTo(1002);
        }
        try (RawWsClient client = RawWsClient.anonymous(app)) {
            client.readText(WAIT); // pusher:connection_established
            client.sendUnmasked(RawWsClient.TEXT, "{\"event\":\"pusher:ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
            assertThat(client.awaitClose(WAIT)).as("close code on /app").isEqualTo(1002);
        }
        assertWsServes();
        assertAppServes();
        assertNothingLoud();
    }

    // ---- fragmented messages ----

    @Test
    void messagesWhoseFirstFragmentIsEmptyAreAnsweredAndSoAreLaterOnesOnWs() throws Exception {
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            // at once after the 101, as a client may: these frames can reach the server before its @OnOpen ran
            client.sendFragment(RawWsClient.TEXT, new byte[0], false);
            client.sendFragment(RawWsClient.CONTINUATION, new byte[0], false);
            client.sendFragment(RawWsClient.CONTINUATION, "{\"type\":\"ping\",".getBytes(StandardCharsets.UTF_8), false);
            client.sendFragment(RawWsClient.CONTINUATION, "\"id\":\"fragmented\"}".getBytes(StandardCharsets.UTF_8), true);
            assertThat(type(client.readText(WAIT))).isEqualTo("connected");
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("id").asText())
                    .isEqualTo("fragmented");
            client.sendFragment(RawWsClient.BINARY, new byte[0], false);
            client.sendFragment(RawWsClient.CONTINUATION, new byte[] {1, 2}, true);
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("message").asText())
                    .isEqualTo("binary frames are not supported");
            client.sendFragment(RawWsClient.TEXT, new byte[0], false);
            client.sendFragment(RawWsClient.CONTINUATION, new byte[0], true);
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("code").asText())
                    .isEqualTo("bad_request");
            client.sendText("{\"type\":\"ping\",\"id\":\"after\"}");
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("id").asText())
                    .isEqualTo("after");
        }
        assertNothingLoud();
    }

    @Test
    void aMessageWhoseFirstFragmentIsEmptyIsAnsweredOnApp() throws Exception {
        try (RawWsClient client = RawWsClient.anonymous(app)) {
            client.readText(WAIT); // pusher:connection_established
            client.sendFragment(RawWsClient.TEXT, new byte[0], false);
            client.sendFragment(RawWsClient.CONTINUATION, "{\"event\":\"pusher:ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8), true);
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("event").asText())
                    .isEqualTo("pusher:pong");
            client.sendText("{\"event\":\"pusher:ping\",\"data\":{}}");
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("event").asText())
                    .isEqualTo("pusher:pong");
        }
        assertNothingLoud();
    }

    // ---- clients that send and never read ----

    /**
     * Each subscribe to a made-up channel of 60 KB is answered with an error that names it: 45 a second (under the
     * inbound rate) pile up answers faster than any socket buffer takes them from a client that never reads.
     */
    @Test
    void aClientThatSendsAndNeverReadsIsClosedWith4008() throws Exception {
        String channel = "x".repeat(60_000);
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            try {
                for (int i = 0; i < 600; i++) {
                    client.sendText("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
                    Thread.sleep(22);
                }
            } catch (IOException closedByTheServer) {
                // what the test waits for
            }
            // the reason tells the cut from the idle time-out, which closes with 4008 too
            assertThat(client.awaitCloseWithReason(WAIT)).isEqualTo("4008 slow consumer");
        }
        assertWsServes();
        assertNothingLoud();
    }

    @Test
    void aClientThatPingsAndNeverReadsIsClosedWith4008() throws Exception {
        byte[] payload = new byte[125];
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            try {
                for (int i = 0; i < 300_000; i++) {
                    client.send(RawWsClient.PING, payload);
                }
            } catch (IOException closedByTheServer) {
                // what the test waits for
            }
            assertThat(client.awaitCloseWithReason(WAIT)).isEqualTo("4008 slow consumer");
        }
        assertWsServes();
        assertNothingLoud();
    }

    // ---- binary frames ----

    @Test
    void aBinaryFrameGetsAnErrorFrameAndTheConnectionStaysOnWs() throws Exception {
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            assertThat(type(client.readText(WAIT))).isEqualTo("connected");
            client.send(RawWsClient.BINARY, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            JsonNode error = JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8));
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_request");
            assertThat(error.path("message").asText()).isEqualTo("binary frames are not supported");
            client.sendText("{\"type\":\"ping\",\"id\":\"after-binary\"}");
            JsonNode pong = JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8));
            assertThat(pong.path("type").asText()).isEqualTo("pong");
            assertThat(pong.path("id").asText()).isEqualTo("after-binary");
        }
        assertNothingLoud();
    }

    @Test
    void aBinaryFrameGetsAPusherErrorAndTheConnectionStaysOnApp() throws Exception {
        try (RawWsClient client = RawWsClient.anonymous(app)) {
            client.readText(WAIT); // pusher:connection_established
            client.send(RawWsClient.BINARY, new byte[] {1, 2, 3, (byte) 0xff});
            JsonNode error = JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8));
            assertThat(error.path("event").asText()).isEqualTo("pusher:error");
            assertThat(error.path("data").path("message").asText()).contains("Binary frames are not supported");
            client.sendText("{\"event\":\"pusher:ping\",\"data\":{}}");
            JsonNode pong = JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8));
            assertThat(pong.path("event").asText()).isEqualTo("pusher:pong");
        }
        assertNothingLoud();
    }

    // ---- compression (RFC 7692 permessage-deflate, and the older per-frame deflate) ----

    /** What browsers offer on every upgrade, and the older per-frame extensions Vert.x would also accept. */
    private static final String DEFLATE_OFFER =
            "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame, deflate-frame";
    /** Each extension offered alone, as a client hoping for that one would. */
    private static final List<String> SINGLE_OFFERS =
            List.of("permessage-deflate; client_max_window_bits", "x-webkit-deflate-frame", "deflate-frame");
    /** Spaces in a JSON string: 60 MiB that deflate to about 60 KB, one frame under the 64 KiB limit. */
    private static final int BOMB_SPACES = 60 << 20;
    private static final Map<String, byte[]> BOMBS = new ConcurrentHashMap<>();

    @Test
    void aClientOfferingDeflateIsServedUncompressedOnWs() throws Exception {
        String user = nextUser();
        try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(user, "provider"), DEFLATE_OFFER)) {
            assertThat(client.upgradeHeader("Sec-WebSocket-Extensions")).as("extensions accepted").isNull();
            RawWsClient.Frame connected = textFrame(client);
            assertThat(connected.compressed()).isFalse();
            assertThat(type(connected.text())).isEqualTo("connected");

            publish(Channels.user(user), new NotificationMessage("Hello", "offered deflate", "normal", "admin"));
            RawWsClient.Frame event = textFrame(client);
            assertThat(event.compressed()).isFalse();
            JsonNode frame = JsonCodec.tree(event.payload());
            assertThat(frame.path("type").asText()).isEqualTo("notification_message");
            assertThat(frame.path("data").path("message").asText()).isEqualTo("offered deflate");

            client.sendText("{\"type\":\"ping\",\"id\":\"plain\"}");
            assertThat(JsonCodec.tree(client.readText(WAIT).getBytes(StandardCharsets.UTF_8)).path("id").asText())
                    .isEqualTo("plain");
        }
        assertNothingLoud();
    }

    @Test
    void aClientOfferingDeflateIsServedUncompressedOnApp() throws Exception {
        String user = nextUser();
        try (RawWsClient client = RawWsClient.anonymous(app, DEFLATE_OFFER)) {
            assertThat(client.upgradeHeader("Sec-WebSocket-Extensions")).as("extensions accepted").isNull();
            RawWsClient.Frame established = textFrame(client);
            assertThat(established.compressed()).isFalse();
            JsonNode connection = JsonCodec.tree(established.payload());
            assertThat(connection.path("event").asText()).isEqualTo("pusher:connection_established");
            String socketId = JsonCodec.tree(connection.path("data").asText().getBytes(StandardCharsets.UTF_8))
                    .path("socket_id").asText();

            String channel = "private-user." + user;
            client.sendText(JsonCodec.mapper().writeValueAsString(Map.of("event", "pusher:subscribe",
                    "data", Map.of("channel", channel, "auth", pusherAuth(socketId + ":" + channel)))));
            assertThat(pusherEvent(textFrame(client))).isEqualTo("pusher_internal:subscription_succeeded");

            publish(Channels.user(user), new NotificationMessage("Hello", "offered deflate", "normal", "admin"));
            RawWsClient.Frame event = textFrame(client);
            assertThat(pusherEvent(event)).isEqualTo("notification_message");
            assertThat(JsonCodec.tree(event.payload()).path("channel").asText()).isEqualTo(channel);
        }
        assertNothingLoud();
    }

    /**
     * Run with {@code -Dvertx.disableWebsockets=false} (see {@link NoSocketCompression} for why Quarkus sets it to
     * true) to check that the options, and not that side effect, keep compression off.
     */
    @Test
    void aDeflateBombIsNeverInflatedOnWs() throws Exception {
        for (String offer : SINGLE_OFFERS) {
            try (RawWsClient client = RawWsClient.withHeader(ws, TestTokens.token(nextUser(), "provider"), offer)) {
                assertThat(client.upgradeHeader("Sec-WebSocket-Extensions")).as("accepted of %s", offer).isNull();
                assertThat(type(client.readText(WAIT))).isEqualTo("connected");
                assertBombRefused(client, "{\"type\":\"ping\",\"id\":\"");
            }
            assertWsServes();
        }
        assertNothingLoud();
    }

    @Test
    void aDeflateBombIsNeverInflatedOnApp() throws Exception {
        for (String offer : SINGLE_OFFERS) {
            try (RawWsClient client = RawWsClient.anonymous(app, offer)) {
                assertThat(client.upgradeHeader("Sec-WebSocket-Extensions")).as("accepted of %s", offer).isNull();
                client.readText(WAIT); // pusher:connection_established
                assertBombRefused(client, "{\"event\":\"pusher:ping\",\"data\":\"");
            }
            assertAppServes();
        }
        assertNothingLoud();
    }

    /**
     * Sends one compressed text frame (RSV1) that inflates to {@link #BOMB_SPACES} spaces inside a JSON string and
     * checks that the server refused it without inflating it: a close for a protocol error, and the event loops,
     * which would have held the whole inflated message, allocated no more than a few megabytes meanwhile.
     */
    private static void assertBombRefused(RawWsClient client, String head) throws Exception {
        byte[] bomb = BOMBS.computeIfAbsent(head, h -> deflatedBomb(h, BOMB_SPACES, "\"}"));
        assertThat(bomb.length).as("compressed size").isLessThan(65_536);
        long allocatedBefore = eventLoopAllocatedBytes();
        try {
            client.sendCompressed(RawWsClient.TEXT, bomb);
        } catch (IOException closedWhileSending) {
            // the server may close before the client has written the whole frame; the close code is what counts
        }
        int code = client.awaitClose(WAIT);
        long allocated = eventLoopAllocatedBytes() - allocatedBefore;
        assertThat(code).as("close code for a compressed frame (the event loops allocated %d bytes meanwhile)",
                allocated).isEqualTo(1002);
        assertThat(allocated).as("bytes the event loops allocated for a %d-byte frame", bomb.length)
                .isLessThan(8L << 20);
        assertThat(client.awaitEnd(WAIT)).as("the server ends the connection").isTrue();
    }

    /** {@code head}, {@code spaces} spaces and {@code tail} as a permessage-deflate payload (no 00 00 ff ff). */
    private static byte[] deflatedBomb(String head, int spaces, String tail) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        byte[] blank = new byte[1 << 20];
        Arrays.fill(blank, (byte) ' ');
        deflate(deflater, head.getBytes(StandardCharsets.UTF_8), buffer, out);
        for (int left = spaces; left > 0; left -= blank.length) {
            deflate(deflater, Arrays.copyOf(blank, Math.min(left, blank.length)), buffer, out);
        }
        deflate(deflater, tail.getBytes(StandardCharsets.UTF_8), buffer, out);
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buffer, 0, n);
        }
        deflater.end();
        byte[] flushed = out.toByteArray();
        return Arrays.copyOf(flushed, flushed.length - 4); // the 00 00 ff ff of the sync flush
    }

    private static void deflate(Deflater deflater, byte[] input, byte[] buffer, ByteArrayOutputStream out) {
        deflater.setInput(input);
        while (!deflater.needsInput()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
    }

    /** Bytes allocated so far by the threads that run the sockets (Vert.x's event loops). */
    private static long eventLoopAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            if (thread.getKey().getName().contains("eventloop")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(thread.getKey().getId()));
            }
        }
        return total;
    }

    private static void publish(String channel, io.leadline.shared.event.Event event) throws Exception {
        EventEnvelope<?> envelope = EventEnvelope.of(channel, event);
        TestBus.publish(envelope, envelope.id());
    }

    /** The next text frame as it came (compressed or not), skipping the server's pings. */
    private static RawWsClient.Frame textFrame(RawWsClient client) throws IOException {
        while (true) {
            RawWsClient.Frame frame = client.read(WAIT);
            assertThat(frame).as("a frame before the connection ended").isNotNull();
            if (frame.opcode() != RawWsClient.PING) {
                assertThat(frame.opcode()).as("opcode").isEqualTo(RawWsClient.TEXT);
                return frame;
            }
        }
    }

    private static String pusherEvent(RawWsClient.Frame frame) {
        assertThat(frame.compressed()).as("compressed").isFalse();
        return JsonCodec.tree(frame.payload()).path("event").asText();
    }

    /** The auth string of a private channel's subscription: the app key and the HMAC of {@code text}. */
    private static String pusherAuth(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("leadline-dev-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "leadline-key:" + HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- helpers ----

    private void assertWsServes() {
        try (WsTestClient fresh = WsTestClient.withHeader(ws, TestTokens.token(nextUser(), "provider"))) {
            fresh.awaitType("connected", WAIT);
            fresh.send(Map.of("type", "ping", "id", "fresh"));
            assertThat(fresh.awaitType("pong", WAIT).path("id").asText()).isEqualTo("fresh");
        }
    }

    private void assertAppServes() {
        try (WsTestClient fresh = WsTestClient.anonymous(app)) {
            fresh.await(frame -> "pusher:connection_established".equals(frame.path("event").asText()), WAIT);
            fresh.send(Map.of("event", "pusher:ping", "data", Map.of()));
            fresh.await(frame -> "pusher:pong".equals(frame.path("event").asText()), WAIT);
        }
    }

    /** What the fault left in the log, once the server had time to report whatever it reports after a close. */
    private void assertNothingLoud() throws InterruptedException {
        Thread.sleep(500);
        assertThat(loud.records).as("records at WARN or above, or with a stack trace, from the socket layers")
                .isEmpty();
    }

    private static String type(String frame) {
        return JsonCodec.tree(frame.getBytes(StandardCharsets.UTF_8)).path("type").asText();
    }

    private static byte[] textWith(String head, byte[] middle, String tail) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(middle);
        bytes.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }

    private static String nextUser() {
        return String.valueOf(USERS.incrementAndGet());
    }

    /**
     * Records of ERROR level from anywhere, and of WARN level or with a stack trace from the layers a socket's
     * frames pass through (Netty, Vert.x, websockets-next, the gateway).
     */
    private static final class LoudRecords extends Handler {
        private static final List<String> SOCKET_LAYERS = List.of("io.netty", "io.vertx", "io.quarkus.websockets",
                "io.quarkus.vertx", "io.leadline.notify");
        final List<String> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            boolean socketLayer = SOCKET_LAYERS.stream().anyMatch(logger::startsWith);
            boolean loud = record.getLevel().intValue() >= Level.SEVERE.intValue()
                    || socketLayer && (record.getLevel().intValue() >= Level.WARNING.intValue() || record.getThrown() != null);
            if (loud) {
                records.add(record.getLevel() + " " + logger + ": " + record.getMessage()
                        + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
