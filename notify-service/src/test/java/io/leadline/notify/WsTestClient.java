package io.leadline.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.json.JsonCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) that keeps every text frame it receives, raw and parsed. */
public final class WsTestClient implements AutoCloseable {

    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private volatile boolean paused;
    private volatile WebSocket pausedSocket;

    private WsTestClient(URI uri, String authorization, String origin) {
        this(uri, authorization, origin, null);
    }

    private WsTestClient(URI uri, String authorization, String origin, String browserToken) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        if (browserToken != null) {
            builder.subprotocols("bearer-token-carrier", java.net.URLEncoder.encode(
                    "quarkus-http-upgrade#Authorization#Bearer " + browserToken, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(asWebSocket(uri), new Listener()).join();
    }

    public static WsTestClient withHeader(URI uri, String token) {
        return new WsTestClient(uri, "Bearer " + token, null);
    }

    /** Without credentials (a Pusher socket proves its right to each private channel on subscribe). */
    public static WsTestClient anonymous(URI uri) {
        return new WsTestClient(uri, null, null);
    }

    /** With a ticket from {@code POST /api/ws-tickets} in the {@code ticket} query parameter. */
    public static WsTestClient withTicket(URI uri, String ticket) {
        return new WsTestClient(withQuery(uri, "ticket", ticket), null, null);
    }

    /** {@code uri} with one more query parameter, its value URL-encoded. */
    public static URI withQuery(URI uri, String name, String value) {
        return URI.create(uri + (uri.getQuery() == null ? "?" : "&") + name + "="
                + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** As a browser connects: the token in the bearer-token-carrier subprotocol, with the page's Origin. */
    public static WsTestClient asBrowser(URI uri, String token, String origin) {
        return new WsTestClient(uri, null, origin, token);
    }

    public static WsTestClient withOrigin(URI uri, String token, String origin) {
        return new WsTestClient(uri, "Bearer " + token, origin);
    }

    /** The HTTP status with which an upgrade is refused, or 101 when it succeeds. */
    public static int upgradeStatus(URI uri, String authorization, String origin) {
        try (WsTestClient client = new WsTestClient(uri, authorization, origin)) {
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static URI asWebSocket(URI uri) {
        String text = uri.toString();
        return URI.create(text.startsWith("http") ? "ws" + text.substring(4) : text);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void send(Object frame) {
        send(JsonCodec.encodeToString(frame));
    }

    /** Waits for the next frame matching {@code match}; frames before it are kept in {@link #seen()}. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        String raw = awaitRaw(match, timeout);
        return JsonCodec.tree(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public String awaitRaw(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String raw;
            try {
                raw = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (raw == null) {
                throw new AssertionError("no matching frame within " + timeout + "; last received: " + lastSeen(5));
            }
            synchronized (seen) {
                seen.add(raw);
            }
            if (match.test(JsonCodec.tree(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                return raw;
            }
        }
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await(frame -> type.equals(frame.path("type").asText()), timeout);
    }

    private List<String> lastSeen(int count) {
        List<String> all = seen();
        return all.subList(Math.max(0, all.size() - count), all.size()).stream()
                .map(frame -> frame.length() > 300 ? frame.substring(0, 300) + "…" : frame).toList();
    }

    /** Every frame received so far that {@link #await} looked at. */
    public List<String> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Frames received and not yet looked at. */
    public List<String> drain() {
        List<String> rest = new ArrayList<>();
        frames.drainTo(rest);
        return rest;
    }

    /** Stops reading from the socket, as a client whose application hangs. */
    public void pauseReading() {
        paused = true;
    }

    public void resumeReading() {
        paused = false;
        WebSocket socket = pausedSocket;
        if (socket != null) {
            socket.request(Long.MAX_VALUE);
        }
    }

    /** Drops the connection without a close handshake, as a client whose network vanished. */
    public void abort() {
        socket.abort();
    }

    /** The close code the server sent, once it closed the connection. */
    public int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).join();
            } catch (RuntimeException ignored) {
                socket.abort();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            if (paused) {
                pausedSocket = webSocket;
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
