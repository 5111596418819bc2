package io.leadline.notify.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One client connection: who it is, which channels it listens to and how far it got in each.
 *
 * <p>All channel state is confined to the connection's event loop: subscribe and unsubscribe arrive
 * there, and the router and the replayer hand their frames to it as tasks. So there are no locks, and
 * the order in which frames are written is the order in which the loop runs the tasks.
 *
 * <p>Per channel a cursor keeps the last stream sequence written, so nothing is written twice; while a
 * channel is being replayed ({@code since}), live frames of that channel are held and written after
 * the replay, minus what the replay already covered. Event frames are shared pre-encoded buffers.
 *
 * <p>A session that asked for batches ({@code batch=1}) may receive several events of one channel in
 * one text frame, one JSON object per line; any other receives one event per frame, as before.
 */
public final class ClientSession {

    private static final int SKIPPED = 0;
    private static final int WRITTEN = 1;
    private static final int BEHIND = -1;

    private final WebSocketConnection connection;
    private final ChannelHandlerContext context;
    private final Channel.Unsafe unsafe;
    private final WireProtocol protocol;
    private final boolean batched;
    private final String socketId;
    private final String userId;
    private final String role;
    private final GatewayConfig limits;

    // confined to the event loop
    private final Map<String, Cursor> cursors = new HashMap<>();
    // made on first use: most sockets never send a frame, never replay and are never refused one
    private TokenBucket inboundRate;
    private TokenBucket replayRate;
    private Strikes strikes;
    private boolean dirty;
    private boolean replaying;
    private long markedDrain = -1;
    private FrameRun markedRun;
    private int markedRuns;

    // read from other threads (sweeper, metrics)
    private volatile long tokenExpiresAt;
    private volatile boolean closing;
    private volatile long lastSeenNanos = System.nanoTime();

    /**
     * A session of {@code protocol} on {@code connection}; {@code userId} and {@code role} are null for a
     * connection that is not authenticated as a whole (a Pusher socket proves its right to each channel
     * on subscribe instead). {@code socketId} is the id by which application events exclude this
     * connection (a Pusher socket id), or null. A {@code batched} session takes several events per frame.
     */
    public ClientSession(WebSocketConnection connection, WireProtocol protocol, boolean batched, String socketId,
            String userId, String role, long tokenExpiresAt, GatewayConfig limits) {
        this.connection = connection;
        this.context = RawSockets.contextOf(connection);
        this.unsafe = context.channel().unsafe();
        this.protocol = protocol;
        this.batched = batched;
        dropHttpIdleTimer();
        UpgradeLeftovers.drop(connection);
        this.socketId = socketId;
        this.userId = userId;
        this.role = role;
        this.tokenExpiresAt = tokenExpiresAt;
        this.limits = limits;
        FrameFaults.install(context, this);
    }

    /**
     * The HTTP server's idle timer would turn every event write into a promise with a listener; a
     * socket's liveness is the gateway's own heartbeat and idle time-out ({@link SessionSweeper}).
     */
    private void dropHttpIdleTimer() {
        IdleStateHandler idle = context.pipeline().get(IdleStateHandler.class);
        if (idle != null) {
            try {
                context.pipeline().remove(idle);
            } catch (NoSuchElementException alreadyGone) {
                // removed by a concurrent close
            }
        }
    }

    public String id() {
        return connection.id();
    }

    public boolean batched() {
        return batched;
    }

    public String socketId() {
        return socketId;
    }

    public String userId() {
        return userId;
    }

    public String role() {
        return role;
    }

    public EventLoop loop() {
        return context.channel().eventLoop();
    }

    public long tokenExpiresAt() {
        return tokenExpiresAt;
    }

    public void tokenExpiresAt(long epochSeconds) {
        this.tokenExpiresAt = epochSeconds;
    }

    public boolean isOpen() {
        return !closing && context.channel().isActive();
    }

    public boolean allowInbound() {
        if (inboundRate == null) {
            inboundRate = TokenBucket.perSecond(limits.maxInboundPerSecond());
        }
        return inboundRate.tryAcquire();
    }

    /** Counts a frame refused by the rate limit; returns the strikes held (they decay over time). */
    public int strike() {
        if (strikes == null) {
            strikes = new Strikes(limits.strikeDecay());
        }
        return strikes.strike();
    }

    /**
     * Whether a {@code since} subscription may start now: none is replaying on this connection (a replay
     * runs until {@link #endReplay}, even for a channel unsubscribed meanwhile, so the stream is never
     * read twice at once for one client).
     */
    public boolean isReplaying() {
        return replaying;
    }

    /** Takes one {@code since} subscription from the connection's allowance. */
    public boolean allowReplay() {
        if (replayRate == null) {
            replayRate = new TokenBucket(limits.replayBurst(), limits.replayRefill());
        }
        return replayRate.tryAcquire();
    }

    public void touch() {
        lastSeenNanos = System.nanoTime();
    }

    public WebSocketConnection connection() {
        return connection;
    }

    long silentNanos() {
        return System.nanoTime() - lastSeenNanos;
    }

    /** Bytes written to this connection and not yet taken by the socket. */
    public long pendingBytes() {
        ChannelOutboundBuffer buffer = unsafe.outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** More bytes wait for this connection's socket than {@code max-pending-bytes} allows. */
    public boolean overPendingLimit() {
        return pendingBytes() > limits.maxPendingBytes();
    }

    // ---- on the event loop only ----

    public Set<String> channels() {
        return cursors.keySet();
    }

    public boolean isSubscribed(String channel) {
        return cursors.containsKey(channel);
    }

    /**
     * Starts listening to a channel; with {@code replaying}, live frames are held until
     * {@link #endReplay}. Returns the subscription's handle: a replay started for an earlier
     * subscription of the same channel (unsubscribed or replaced since) finds it changed and stops.
     */
    public Object open(String channel, boolean replaying) {
        return open(channel, replaying, null);
    }

    /** As {@link #open(String, boolean)}, keeping only events of the given kinds ({@code null}: all). */
    public Object open(String channel, boolean replaying, Set<String> kinds) {
        if (replaying) {
            this.replaying = true;
        }
        Cursor cursor = new Cursor(replaying, kinds);
        Cursor previous = cursors.put(channel, cursor);
        if (previous != null) {
            previous.releaseHeld();
        }
        return cursor;
    }

    /** Whether {@code handle} is still the subscription of {@code channel}. */
    public boolean isCurrent(String channel, Object handle) {
        return cursors.get(channel) == handle;
    }

    public void close(String channel) {
        Cursor cursor = cursors.remove(channel);
        if (cursor != null) {
            cursor.releaseHeld();
        }
    }

    /**
     * Marks the session as a subscriber of {@code run} in the loop's drain {@code drain}; true the first
     * time in that drain (the caller then writes it once the drain's runs are all marked).
     */
    public boolean mark(long drain, FrameRun run) {
        if (markedDrain != drain) {
            markedDrain = drain;
            markedRun = run;
            markedRuns = 1;
            return true;
        }
        markedRuns++;
        return false;
    }

    /**
     * The only run marked in the current drain, or null when the session takes events of several (the
     * caller then writes them event by event, in stream order). Forgets the mark.
     */
    public FrameRun takeMarkedRun() {
        FrameRun run = markedRuns == 1 ? markedRun : null;
        markedRun = null;
        return run;
    }

    /**
     * The events of {@code run}, in order: one shared buffer when this session takes all of them (the
     * common case), else event by event. Returns the events delivered, or -1 when the client is too far
     * behind (the caller closes it).
     */
    public int deliver(FrameRun run, long maxPendingBytes) {
        Cursor cursor = cursors.get(run.key());
        if (cursor == null || closing) {
            return 0;
        }
        boolean takesAll = !cursor.replaying && run.firstSeq() > cursor.lastSeq
                && cursor.kinds == null && !run.excludes(socketId);
        if (takesAll) {
            cursor.lastSeq = run.lastSeq();
            ByteBuf shared = run.shared(batched);
            if (!write(shared, maxPendingBytes)) {
                return -1;
            }
            run.delivered += run.size();
            run.framesWritten += batched ? run.batchFrames() : run.size();
            run.bytesWritten += shared.readableBytes();
            return run.size();
        }
        int delivered = 0;
        for (int i = 0; i < run.size(); i++) {
            int outcome = offer(cursor, run.seq(i), run.frame(i), run.kind(i), run.excluded(i), maxPendingBytes);
            if (outcome == BEHIND) {
                return -1;
            }
            if (outcome == WRITTEN) {
                delivered++;
                run.framesWritten++;
                run.bytesWritten += run.frame(i).readableBytes();
            }
        }
        run.delivered += delivered;
        return delivered;
    }

    /**
     * A live event frame, unless it must not reach this socket ({@code excludedSocket}): 1 when written,
     * 0 when not (held during a replay, filtered, already sent), -1 when the client is too far behind
     * (the caller closes it).
     */
    public int deliver(String channel, long seq, ByteBuf frame, String kind, String excludedSocket,
            long maxPendingBytes) {
        Cursor cursor = cursors.get(channel);
        if (cursor == null || closing) {
            return SKIPPED;
        }
        return offer(cursor, seq, frame, kind, excludedSocket, maxPendingBytes);
    }

    private int offer(Cursor cursor, long seq, ByteBuf frame, String kind, String excludedSocket,
            long maxPendingBytes) {
        if (excludedSocket != null && excludedSocket.equals(socketId)) {
            return SKIPPED;
        }
        if (cursor.replaying) {
            cursor.held.add(new Held(seq, frame.retain(), kind));
            cursor.heldBytes += frame.readableBytes();
            return cursor.heldBytes <= maxPendingBytes ? SKIPPED : BEHIND;
        }
        return writeIfNew(cursor, seq, frame, kind, maxPendingBytes);
    }

    /** A frame read back from the stream for a {@code since} subscription; written unless already sent. */
    public boolean replay(String channel, Object handle, long seq, ByteBuf frame, String kind, long maxPendingBytes) {
        Cursor cursor = cursors.get(channel);
        if (cursor == null || cursor != handle || closing) {
            return true;
        }
        return writeIfNew(cursor, seq, frame, kind, maxPendingBytes) != BEHIND;
    }

    private int writeIfNew(Cursor cursor, long seq, ByteBuf frame, String kind, long maxPendingBytes) {
        if (seq <= cursor.lastSeq) {
            return SKIPPED;
        }
        cursor.lastSeq = seq;
        if (!cursor.accepts(kind)) {
            return SKIPPED;
        }
        return write(frame, maxPendingBytes) ? WRITTEN : BEHIND;
    }

    /**
     * Ends a replay: writes the live frames held meanwhile that the replay did not cover. The replayer
     * calls it once per replay, whatever became of the subscription, so the connection may replay again.
     */
    public boolean endReplay(String channel, Object handle, long maxPendingBytes) {
        replaying = false;
        Cursor cursor = cursors.get(channel);
        if (cursor == null || cursor != handle) {
            return true;
        }
        boolean keptUp = true;
        for (Held held : cursor.held) {
            if (keptUp && !closing) {
                keptUp = writeIfNew(cursor, held.seq(), held.frame(), held.kind(), maxPendingBytes) != BEHIND;
            }
        }
        cursor.releaseHeld();
        cursor.replaying = false;
        return keptUp;
    }

    /** Whether frames were written since the last flush; the loop's flusher calls {@link #flush}. */
    boolean takeDirty() {
        boolean was = dirty;
        dirty = false;
        return was;
    }

    void flush() {
        context.flush();
    }

    /**
     * Writes a shared frame through a duplicate of its own (a partial socket write moves the reader
     * index of what it writes); a plain duplicate, not a pooled one, whose pool runs dry when one event
     * puts thousands in flight. The channel's own void promise fires nothing when the write fails: a
     * socket closed with frames still queued fails each of them, and the pipeline's void promise would
     * report every one as an unhandled error (thousands of log lines for one slow consumer closed).
     */
    private boolean write(ByteBuf frame, long maxPendingBytes) {
        if (pendingBytes() > maxPendingBytes) {
            return false;
        }
        frame.retain();
        context.write(frame.duplicate(), unsafe.voidPromise());
        if (!dirty) {
            dirty = true;
            LoopFlusher.of(loop()).schedule(this);
        }
        return true;
    }

    public void releaseAll() {
        for (Cursor cursor : cursors.values()) {
            cursor.releaseHeld();
        }
        cursors.clear();
    }

    // ---- any thread ----

    /** A control frame (connected, subscribed, error, pong, ...), encoded for this connection only. */
    public void sendText(String text) {
        if (!closing) {
            connection.sendText(text).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    /** Ends the session the way its protocol's clients understand {@code end}. */
    public void end(SessionEnd end) {
        String last = protocol.lastFrame(end);
        if (last != null) {
            sendText(last);
        }
        close(protocol.closeCode(end), protocol.closeReason(end));
    }

    /**
     * The transport ends the session itself ({@link FrameFaults} writes the close frame): from now on nothing is
     * written. False when the session was already closing.
     */
    boolean endedByTransport() {
        if (closing) {
            return false;
        }
        closing = true;
        return true;
    }

    short closeCode(SessionEnd end) {
        return protocol.closeCode(end);
    }

    String closeReason(SessionEnd end) {
        return protocol.closeReason(end);
    }

    public void close(short code, String reason) {
        if (!closing) {
            closing = true;
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    private static final class Cursor {
        long lastSeq;
        boolean replaying;
        long heldBytes;
        final Set<String> kinds;
        final List<Held> held = new ArrayList<>(0);

        Cursor(boolean replaying, Set<String> kinds) {
            this.replaying = replaying;
            this.kinds = kinds;
        }

        /**
         * Without a filter, every event; with one, the events of its kinds only. An event of no kind on a
         * filtered channel (an application event on payments.monitor, from the Pusher HTTP API) is none of
         * the kinds the subscriber asked for.
         */
        boolean accepts(String kind) {
            return kinds == null || kind != null && kinds.contains(kind);
        }

        void releaseHeld() {
            for (Held frame : held) {
                frame.frame().release();
            }
            held.clear();
            heldBytes = 0;
        }
    }

    private record Held(long seq, ByteBuf frame, String kind) {
    }
}
