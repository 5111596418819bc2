package io.leadline.notify.gateway;

import io.netty.buffer.ByteBuf;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection: who it is, which channels it listens to and how far it got in each, and the
 * raw socket that event frames are written to. Event frames are shared, already-encoded buffers:
 * writing one to a subscriber costs a reference, not an encoding.
 *
 * <p>Per channel a cursor keeps the last stream sequence written, so nothing is written twice; while a
 * channel is being replayed from the stream ({@code since}), live frames of that channel are held and
 * written after the replay, in order, minus what the replay already covered.
 */
public final class ClientSession {

    private final WebSocketConnection connection;
    private final ServerWebSocket socket;
    private final String userId;
    private final String role;
    private volatile long tokenExpiresAt;
    private final ConcurrentHashMap<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final RateLimit inboundRate;
    private volatile boolean closing;
    private volatile long lastSeenNanos = System.nanoTime();
    private int strikes;

    ClientSession(WebSocketConnection connection, ServerWebSocket socket, String userId, String role,
            long tokenExpiresAt, int inboundPerSecond) {
        this.connection = connection;
        this.socket = socket;
        this.userId = userId;
        this.role = role;
        this.tokenExpiresAt = tokenExpiresAt;
        this.inboundRate = new RateLimit(inboundPerSecond);
    }

    public String id() {
        return connection.id();
    }

    public String userId() {
        return userId;
    }

    public String role() {
        return role;
    }

    public long tokenExpiresAt() {
        return tokenExpiresAt;
    }

    void tokenExpiresAt(long epochSeconds) {
        this.tokenExpiresAt = epochSeconds;
    }

    public Set<String> channels() {
        return cursors.keySet();
    }

    public boolean isSubscribed(String channel) {
        return cursors.containsKey(channel);
    }

    public boolean isOpen() {
        return !closing && !connection.isClosed();
    }

    boolean allowInbound() {
        return inboundRate.tryAcquire();
    }

    /** Counts frames refused by the rate limit; past a limit the connection is closed. */
    int strike() {
        return ++strikes;
    }

    void touch() {
        lastSeenNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastSeenNanos;
    }

    /** Starts listening to a channel; with {@code replaying} live frames are held until {@link #endReplay}. */
    public void open(String channel, boolean replaying) {
        Cursor cursor = new Cursor();
        cursor.replaying = replaying;
        cursors.put(channel, cursor);
    }

    public void close(String channel) {
        Cursor cursor = cursors.remove(channel);
        if (cursor != null) {
            synchronized (cursor) {
                cursor.releaseHeld();
            }
        }
    }

    /**
     * A live event frame of {@code channel}. Returns false when the client is too far behind and must
     * be closed as a slow consumer.
     */
    public boolean deliver(String channel, long seq, ByteBuf frame, int maxPending) {
        Cursor cursor = cursors.get(channel);
        if (cursor == null || closing) {
            return true;
        }
        synchronized (cursor) {
            if (cursor.replaying) {
                cursor.held.add(new Held(seq, frame.retain()));
                return cursor.held.size() <= maxPending;
            }
            if (seq <= cursor.lastSeq) {
                return true;
            }
            cursor.lastSeq = seq;
            return write(frame, maxPending);
        }
    }

    /** A frame read back from the stream for a {@code since} subscription; written unless already sent. */
    public boolean replay(String channel, long seq, ByteBuf frame, int maxPending) {
        Cursor cursor = cursors.get(channel);
        if (cursor == null || closing) {
            return true;
        }
        synchronized (cursor) {
            if (seq <= cursor.lastSeq) {
                return true;
            }
            cursor.lastSeq = seq;
            return write(frame, maxPending);
        }
    }

    /** Ends a replay: writes the live frames held meanwhile that the replay did not cover. */
    public boolean endReplay(String channel, int maxPending) {
        Cursor cursor = cursors.get(channel);
        if (cursor == null) {
            return true;
        }
        synchronized (cursor) {
            boolean keptUp = true;
            for (Held held : cursor.held) {
                if (keptUp && held.seq() > cursor.lastSeq && !closing) {
                    cursor.lastSeq = held.seq();
                    keptUp = write(held.frame(), maxPending);
                }
            }
            cursor.releaseHeld();
            cursor.replaying = false;
            return keptUp;
        }
    }

    public long lastSeq(String channel) {
        Cursor cursor = cursors.get(channel);
        return cursor == null ? 0 : cursor.lastSeq;
    }

    private boolean write(ByteBuf encodedText, int maxPending) {
        if (pendingWrites.incrementAndGet() > maxPending) {
            pendingWrites.decrementAndGet();
            return false;
        }
        socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, encodedText.retainedDuplicate(), true))
                .onComplete(done -> pendingWrites.decrementAndGet());
        return true;
    }

    /** A control frame (connected, subscribed, error, pong, ...), encoded for this connection only. */
    public void sendText(String text) {
        if (!closing) {
            connection.sendText(text).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    public void close(short code, String reason) {
        if (!closing) {
            closing = true;
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    void releaseAll() {
        for (Cursor cursor : cursors.values()) {
            synchronized (cursor) {
                cursor.releaseHeld();
            }
        }
    }

    private static final class Cursor {
        long lastSeq;
        boolean replaying;
        final List<Held> held = new ArrayList<>(0);

        void releaseHeld() {
            for (Held frame : held) {
                frame.frame().release();
            }
            held.clear();
        }
    }

    private record Held(long seq, ByteBuf frame) {
    }

    /** A token bucket refilled continuously: {@code perSecond} frames a second, bursts of the same size. */
    private static final class RateLimit {
        private final int perSecond;
        private double tokens;
        private long lastNanos = System.nanoTime();

        RateLimit(int perSecond) {
            this.perSecond = perSecond;
            this.tokens = perSecond;
        }

        synchronized boolean tryAcquire() {
            long now = System.nanoTime();
            tokens = Math.min(perSecond, tokens + (now - lastNanos) * perSecond / 1e9);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
