package io.leadline.system.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A WebSocket client for tests on the JDK's {@link java.net.http.WebSocket}: it keeps every text frame
 * it receives, in order, with the raw text and the time it arrived, and lets a test wait for a frame
 * that matches (never a fixed sleep).
 */
public final class TestSocket implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Connecting and upgrading, and writing one frame: generous, for a loaded machine. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** One received text frame: its raw text, parsed JSON (null when not JSON) and arrival time. */
    public record Frame(String raw, JsonNode json, long receivedAtNanos) {

        public String type() {
            return json == null ? null : json.path("type").asText(null);
        }

        @Override
        public String toString() {
            return raw;
        }
    }

    /** The server refused the upgrade with this HTTP status. */
    public static final class UpgradeRefused extends RuntimeException {

        private final int status;

        UpgradeRefused(int status, Throwable cause) {
            super("upgrade refused with HTTP " + status, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final List<Frame> frames = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket webSocket;
    private Integer closeCode;
    private String closeReason;
    private Throwable error;

    private TestSocket() {
    }

    /** Connects with {@code Authorization: Bearer <token>} (no header when {@code token} is null). */
    public static TestSocket connect(URI uri, String token) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return open(builder, uri);
    }

    /** Connects with a ticket from {@code POST /api/ws-tickets} in the {@code ticket} query parameter. */
    public static TestSocket connectWithTicket(URI uri, String ticket) {
        return open(HTTP.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT), withTicket(uri, ticket));
    }

    /**
     * The HTTP status with which the server refuses an upgrade with this ticket; fails when the upgrade
     * succeeds.
     */
    public static int refusedTicketStatus(URI uri, String ticket) {
        try (TestSocket socket = connectWithTicket(uri, ticket)) {
            throw new AssertionError("upgrade to " + uri + " with a ticket was accepted; frames: " + socket.frames());
        } catch (UpgradeRefused refused) {
            return refused.status();
        }
    }

    private static URI withTicket(URI uri, String ticket) {
        String separator = uri.getQuery() == null ? "?" : "&";
        return URI.create(uri + separator + "ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
    }

    /**
     * The HTTP status with which the server refuses an upgrade with this bearer token (none when null);
     * fails when the upgrade succeeds.
     */
    public static int refusedUpgradeStatus(URI uri, String token) {
        try (TestSocket socket = connect(uri, token)) {
            throw new AssertionError("upgrade to " + uri + " was accepted; frames: " + socket.frames());
        } catch (UpgradeRefused refused) {
            return refused.status();
        }
    }

    private static TestSocket open(WebSocket.Builder builder, URI uri) {
        TestSocket socket = new TestSocket();
        try {
            socket.webSocket = builder.buildAsync(uri, socket.new Listener())
                    .get(CONNECT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return socket;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                throw new UpgradeRefused(handshake.getResponse().statusCode(), handshake);
            }
            throw new IllegalStateException("cannot connect to " + uri, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no upgrade from " + uri + " within " + CONNECT_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends one text frame and waits until it is written. */
    public TestSocket send(String text) {
        try {
            webSocket.sendText(text, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send " + text, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a value encoded as JSON. */
    public TestSocket sendJson(Object value) {
        try {
            return send(JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * The first frame, in arrival order, whose JSON matches; waits for it until {@code timeout} and
     * fails with every frame received so far when none comes.
     */
    public Frame awaitFrame(Predicate<JsonNode> predicate, Duration timeout) {
        return awaitFrameAfter(0, predicate, timeout);
    }

    /** Like {@link #awaitFrame} but only among frames received after the first {@code skip}. */
    public Frame awaitFrameAfter(int skip, Predicate<JsonNode> predicate, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (true) {
                for (int i = skip; i < frames.size(); i++) {
                    Frame frame = frames.get(i);
                    if (frame.json() != null && predicate.test(frame.json())) {
                        return frame;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching frame within " + timeout.toMillis() + " ms" + state()
                            + "; received: " + frames);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(frames, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The first frame of this {@code type}. */
    public Frame awaitType(String type, Duration timeout) {
        return awaitFrame(json -> type.equals(json.path("type").asText()), timeout);
    }

    /** Every frame received so far, in order. */
    public List<Frame> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** The raw text of every frame received so far, in order. */
    public List<String> rawFrames() {
        return frames().stream().map(Frame::raw).toList();
    }

    public int frameCount() {
        synchronized (frames) {
            return frames.size();
        }
    }

    public long count(Predicate<JsonNode> predicate) {
        return frames().stream().filter(frame -> frame.json() != null && predicate.test(frame.json())).count();
    }

    public boolean isOpen() {
        synchronized (frames) {
            return closeCode == null && error == null && !webSocket.isInputClosed();
        }
    }

    /** The close code the server sent, if it closed the connection. */
    public Optional<Integer> closeCode() {
        synchronized (frames) {
            return Optional.ofNullable(closeCode);
        }
    }

    /** Waits until the server closes the connection and returns its close code. */
    public int awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (closeCode == null && error == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("connection still open after " + timeout.toMillis() + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(frames, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return closeCode == null ? WebSocket.NORMAL_CLOSURE : closeCode;
        }
    }

    @Override
    public void close() {
        if (webSocket != null && !webSocket.isOutputClosed()) {
            try {
                webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the server may be gone already
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (webSocket != null) {
            webSocket.abort();
        }
    }

    private String state() {
        if (closeCode != null) {
            return " (closed by the server: " + closeCode + " " + closeReason + ")";
        }
        return error == null ? "" : " (connection failed: " + error + ")";
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            synchronized (frames) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    frames.add(new Frame(text, parse(text), now));
                    frames.notifyAll();
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            synchronized (frames) {
                closeCode = statusCode;
                closeReason = reason;
                frames.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable failure) {
            synchronized (frames) {
                error = failure;
                frames.notifyAll();
            }
        }
    }
}
