package io.leadline.notify.routing;

import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.SessionEnd;
import io.leadline.notify.session.GatewayConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.ChannelStream;
import io.leadline.shared.nats.JetStreamErrorCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.netty.buffer.ByteBuf;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Recovers what a client missed on one channel ({@code subscribe} with {@code since}): decides
 * whether the stream still holds all of it, then replays it from JetStream. Everything that talks to
 * NATS runs on a bounded pool of its own, so the event loops and the NATS dispatcher never wait; the
 * frames themselves are written by the session's event loop, in order with the live ones it holds.
 */
@ApplicationScoped
public class Replayer {

    private static final Logger LOG = Logger.getLogger(Replayer.class);
    /** How long a replay waits for the stream's next message before it gives up (and closes the socket). */
    private static final Duration FETCH_WAIT = Duration.ofSeconds(15);
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);
    private static final int CHUNK = 128;
    private static final int THREADS = 8;
    /** A counting consumer that could not be deleted goes away by itself after this long unused. */
    private static final Duration COUNTER_LIFETIME = Duration.ofSeconds(30);

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    StreamEventCheck check;

    @Inject
    RepeatedEvents repeats;

    private ThreadPoolExecutor pool;
    private Counter replayed;

    @PostConstruct
    void init() {
        AtomicInteger threads = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                runnable -> {
                    Thread thread = new Thread(runnable, "replay-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        replayed = registry.counter("leadline.gateway.replayed.events");
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }

    /**
     * Recovers {@code channel} after {@code since} for a subscription opened as replaying
     * ({@code handle}). {@code announce} runs on the session's loop with the {@code recovered} answer
     * before any replayed frame; {@code onSlowConsumer} when the client cannot keep up.
     */
    public void recover(ClientSession session, String channel, Object handle, long since, Consumer<Boolean> announce,
            Runnable onSlowConsumer) {
        try {
            pool.execute(() -> run(session, channel, handle, since, announce, onSlowConsumer));
        } catch (RejectedExecutionException busy) {
            session.end(SessionEnd.SERVER_ERROR);
        }
    }

    private void run(ClientSession session, String channel, Object handle, long since, Consumer<Boolean> announce,
            Runnable onSlowConsumer) {
        boolean recoverable;
        try {
            // a history deeper than the limit is not replayed: the client re-reads its state, as when it is lost
            recoverable = recoverable(channel, since) && withinReplayLimit(channel, since);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warnf("cannot read the state of %s: %s", channel, e.getMessage());
            recoverable = false;
        }
        boolean recovered = recoverable;
        session.loop().execute(() -> {
            if (session.isCurrent(channel, handle)) {
                announce.accept(recovered);
            }
        });
        boolean keptUp = true;
        boolean failed = false;
        if (recoverable) {
            try {
                keptUp = copy(session, channel, handle, since);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.warnf("replay of %s after %d failed: %s", channel, since, e.getMessage());
                failed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = true;
            }
        }
        boolean replayKeptUp = keptUp;
        boolean replayFailed = failed;
        session.loop().execute(() -> {
            boolean ok = session.endReplay(channel, handle, config.maxPendingBytes()) && replayKeptUp;
            if (replayFailed) {
                // a gap must never pass silently: the client reconnects and asks again with its since
                session.end(SessionEnd.SERVER_ERROR);
            } else if (!ok) {
                onSlowConsumer.run();
            }
        });
    }

    /**
     * Whether the stream still holds every event of {@code channel} after {@code since}: nothing
     * removed by age before it (the stream's first sequence), nothing removed by the per-subject limit
     * (one of the channel's subjects, one per owner, at its limit with its oldest kept event newer than
     * {@code since + 1}), and a {@code since} the stream has actually reached (after a stream reset it
     * has not).
     */
    boolean recoverable(String channel, long since) throws IOException, JetStreamApiException {
        JetStreamManagement management = nats.jetStreamManagement();
        StreamInfo info = management.getStreamInfo(stream.name(),
                StreamInfoOptions.filterSubjects(Channels.subjectsOf(channel)));
        StreamState state = info.getStreamState();
        long perSubjectLimit = info.getConfiguration().getMaxMsgsPerSubject();
        if (since > state.getLastSequence()) {
            return false;
        }
        if (state.getMsgCount() > 0 && since + 1 < state.getFirstSequence()) {
            return false;
        }
        if (perSubjectLimit <= 0 || state.getSubjectMap() == null) {
            return true;
        }
        for (Map.Entry<String, Long> subject : state.getSubjectMap().entrySet()) {
            if (subject.getValue() >= perSubjectLimit
                    && management.getFirstMessage(stream.name(), subject.getKey()).getSeq() > since + 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether at most {@code leadline.gateway.max-replay} events of {@code channel} follow {@code since}.
     * Cheap bounds first (the distance in stream sequences, then everything the channel keeps); only a
     * channel with more events kept than the limit, asked from further back than the limit, is counted
     * exactly, by a short-lived consumer that reports how many messages it would deliver.
     */
    boolean withinReplayLimit(String channel, long since) throws IOException, JetStreamApiException {
        long max = config.maxReplay();
        if (lastSeqOf(channel) - since <= max) {
            return true;
        }
        JetStreamManagement management = nats.jetStreamManagement();
        String subjects = Channels.subjectsOf(channel);
        StreamState state = management.getStreamInfo(stream.name(), StreamInfoOptions.filterSubjects(subjects))
                .getStreamState();
        long kept = state.getSubjectMap() == null ? 0
                : state.getSubjectMap().values().stream().mapToLong(Long::longValue).sum();
        if (kept <= max) {
            return true;
        }
        ConsumerInfo counter = management.createConsumer(stream.name(), ConsumerConfiguration.builder()
                .filterSubject(subjects)
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(since + 1)
                .ackPolicy(AckPolicy.None)
                .inactiveThreshold(COUNTER_LIFETIME)
                .build());
        try {
            return counter.getNumPending() <= max;
        } finally {
            try {
                management.deleteConsumer(stream.name(), counter.getName());
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debugf("counting consumer %s left to expire: %s", counter.getName(), e.getMessage());
            }
        }
    }

    private boolean copy(ClientSession session, String channel, Object handle, long since)
            throws IOException, JetStreamApiException, InterruptedException {
        long until = lastSeqOf(channel);
        if (until <= since) {
            return true;
        }
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(stream.name())
                .ordered(true)
                .configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(since + 1)
                        .build())
                .build();
        JetStreamSubscription subscription = nats.jetStream().subscribe(Channels.subjectsOf(channel), options);
        try {
            return copy(subscription, session, channel, handle, since, until);
        } finally {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection closing
            }
        }
    }

    /**
     * Copies stream messages {@code since+1 .. until} to the session's loop in chunks, waiting for the
     * socket to take what was written before sending more: a long history never floods the connection.
     * Everything after {@code until} also arrives live and is held by the session meanwhile.
     */
    private boolean copy(JetStreamSubscription subscription, ClientSession session, String channel, Object handle,
            long since, long until) throws InterruptedException, IOException {
        long maxPending = config.maxPendingBytes();
        long seq = since;
        Chunk chunk = new Chunk();
        // what the router has not routed yet (it may lag behind the stream's end) is known from this read;
        // keyed by subject and id, as the router's record is
        Map<String, long[]> readHere = new HashMap<>();
        if (!repeats.awaitSeen(since, FETCH_WAIT)) {
            LOG.warnf("replay of %s after %d starts before routing got there (at #%d): repeats of earlier events"
                    + " are recognised only within the replay", channel, since, repeats.seenThrough());
        }
        try {
            while (seq < until && session.isOpen()) {
                Message message = subscription.nextMessage(FETCH_WAIT);
                if (message == null) {
                    throw new IOException("stream stopped answering at " + seq + " of " + until);
                }
                seq = message.metaData().streamSequence();
                String id = check.acceptedId(seq, message.getSubject(), message.getData());
                if (id != null && !isRepeat(readHere, message.getSubject(), id, seq,
                        RepeatedEvents.streamMillisOf(message))) {
                    // on one line, as the router sends it live: a batching client splits every frame on \n,
                    // replayed ones too, so a raw line break a publisher left between tokens would cut the event
                    byte[] envelope = EventFrames.onOneLine(message.getData());
                    chunk.add(seq, EventFrames.monitorKindOf(channel, envelope), EventFrames.encode(seq, envelope));
                    replayed.increment();
                }
                if (chunk.size() == CHUNK || (seq >= until && chunk.size() > 0)) {
                    Chunk full = chunk;
                    chunk = new Chunk();
                    if (!writeChunk(session, channel, handle, full, maxPending)) {
                        return false;
                    }
                    awaitDrain(session, maxPending / 2);
                }
            }
            return true;
        } finally {
            chunk.release();
        }
    }

    /**
     * Whether a replayed message repeats an event id within the window: by what the router has recorded
     * (which covers the window before {@code since}) or by what this replay has read. Records it in
     * {@code readHere} either way, as the router does, since every occurrence counts.
     */
    private boolean isRepeat(Map<String, long[]> readHere, String subject, String id, long seq, long streamMillis) {
        long[] earlier = readHere.put(subject + ' ' + id, new long[] {seq, streamMillis});
        return repeats.isRepeat(id, subject, seq, streamMillis)
                || (earlier != null && repeats.withinWindow(earlier[0], earlier[1], seq, streamMillis));
    }

    /** Hands a chunk to the session's loop; the loop releases its frames whatever happens. */
    private boolean writeChunk(ClientSession session, String channel, Object handle, Chunk chunk, long maxPending)
            throws InterruptedException {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        try {
            session.loop().execute(() -> {
                boolean ok = true;
                try {
                    for (int i = 0; i < chunk.size() && ok; i++) {
                        ok = session.replay(channel, handle, chunk.seqs.get(i), chunk.frames.get(i),
                                chunk.kinds.get(i), maxPending);
                    }
                } finally {
                    chunk.release();
                    written.complete(ok);
                }
            });
        } catch (RejectedExecutionException closedLoop) {
            chunk.release();
            return false;
        }
        try {
            return written.get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void awaitDrain(ClientSession session, long lowWater) throws InterruptedException {
        long deadline = System.nanoTime() + WRITE_WAIT.toNanos();
        while (session.pendingBytes() > lowWater && session.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private long lastSeqOf(String channel) throws IOException, JetStreamApiException {
        try {
            return nats.jetStreamManagement().getLastMessage(stream.name(), Channels.subjectsOf(channel)).getSeq();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrorCodes.NO_MESSAGE_FOUND) {
                return 0;
            }
            throw e;
        }
    }

    /** Frames read from the stream and not yet handed to the loop; released exactly once. */
    private static final class Chunk {
        final List<Long> seqs = new ArrayList<>(CHUNK);
        final List<String> kinds = new ArrayList<>(CHUNK);
        final List<ByteBuf> frames = new ArrayList<>(CHUNK);
        private boolean released;

        void add(long seq, String kind, ByteBuf frame) {
            seqs.add(seq);
            kinds.add(kind);
            frames.add(frame);
        }

        int size() {
            return frames.size();
        }

        void release() {
            if (!released) {
                released = true;
                frames.forEach(ByteBuf::release);
            }
        }
    }
}
