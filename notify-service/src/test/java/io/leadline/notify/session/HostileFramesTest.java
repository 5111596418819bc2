package io.leadline.notify.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.RawWsClient;
import io.leadline.notify.WsTestClient;
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

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames a client must not send, on both sockets ({@code /ws} and the Pusher {@code /app/{key}}): each is answered
 * as RFC 6455 and the docs say (1009 for a frame over the size limit, 1007 for text that is not UTF-8, an error
 * frame for a binary frame), no ERROR and no stack trace is logged for them, and the server keeps serving.
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
