package io.leadline.notify.routing;

import io.leadline.notify.gateway.ClientSession;
import io.leadline.notify.gateway.GatewayConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.ChannelStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.netty.buffer.ByteBuf;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replays what a client missed on one channel ({@code subscribe} with {@code since}) from the stream,
 * on a small bounded pool, so that the NATS dispatcher and the event loops never wait for it.
 */
@ApplicationScoped
public class Replayer {

    private static final Logger LOG = Logger.getLogger(Replayer.class);
    private static final Duration FETCH_WAIT = Duration.ofSeconds(2);
    private static final short SERVER_ERROR = 1011;
    private static final int NO_MESSAGE_FOUND = 10037;
    private static final int CHUNK = 128;
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    private ThreadPoolExecutor pool;
    private Counter replayed;

    @PostConstruct
    void init() {
        AtomicInteger threads = new AtomicInteger();
        pool = new ThreadPoolExecutor(2, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), runnable -> {
            Thread thread = new Thread(runnable, "replay-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        replayed = registry.counter("leadline.gateway.replayed.events");
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }

    private long lastSeqOf(String channel) throws IOException, JetStreamApiException {
        try {
            return nats.jetStreamManagement().getLastMessage(stream.name(), Channels.subjectOf(channel)).getSeq();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return 0;
            }
            throw e;
        }
    }

    /** Whether events after {@code since} are all still in the stream. */
    public boolean recoverable(long since) throws IOException, JetStreamApiException {
        StreamInfo info = nats.jetStreamManagement().getStreamInfo(stream.name());
        long firstSeq = info.getStreamState().getFirstSequence();
        return since + 1 >= firstSeq || info.getStreamState().getMsgCount() == 0;
    }

    /** Replays events of {@code channel} after {@code since}; the session holds live frames meanwhile. */
    public void replay(ClientSession session, String channel, long since, Runnable onSlowConsumer) {
        try {
            pool.execute(() -> run(session, channel, since, onSlowConsumer));
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            session.close(EventRouter.SLOW_CONSUMER, "replay capacity exhausted");
        }
    }

    private void run(ClientSession session, String channel, long since, Runnable onSlowConsumer) {
        JetStreamSubscription subscription = null;
        boolean keptUp = true;
        boolean failed = false;
        try {
            long until = lastSeqOf(channel);
            if (until > since) {
                PushSubscribeOptions options = PushSubscribeOptions.builder()
                        .stream(stream.name())
                        .ordered(true)
                        .configuration(ConsumerConfiguration.builder()
                                .deliverPolicy(DeliverPolicy.ByStartSequence)
                                .startSequence(since + 1)
                                .build())
                        .build();
                subscription = nats.jetStream().subscribe(Channels.subjectOf(channel), options);
                keptUp = copy(subscription, session, channel, since, until);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warnf("replay of %s after %d failed: %s", channel, since, e.getMessage());
            failed = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = true;
        } finally {
            if (subscription != null) {
                try {
                    subscription.unsubscribe();
                } catch (RuntimeException ignored) {
                    // connection closing
                }
            }
        }
        boolean replayKeptUp = keptUp;
        boolean replayFailed = failed;
        session.loop().execute(() -> {
            boolean ok = session.endReplay(channel, config.maxPendingBytes()) && replayKeptUp;
            if (replayFailed) {
                // a gap must never pass silently: the client reconnects and asks again with its since
                session.close(SERVER_ERROR, "replay failed");
            } else if (!ok) {
                onSlowConsumer.run();
            }
        });
    }

    /**
     * Copies stream messages {@code since+1 .. until} to the session's loop in chunks, waiting for the
     * socket to take what was written before sending more: a long history never floods the connection.
     * Everything after {@code until} also arrives live and is held by the session meanwhile.
     */
    private boolean copy(JetStreamSubscription subscription, ClientSession session, String channel, long since,
            long until) throws InterruptedException, IOException {
        long maxPending = config.maxPendingBytes();
        long seq = since;
        List<long[]> seqs = new ArrayList<>(CHUNK);
        List<String> kinds = new ArrayList<>(CHUNK);
        List<ByteBuf> frames = new ArrayList<>(CHUNK);
        while (seq < until && session.isOpen()) {
            Message message = subscription.nextMessage(FETCH_WAIT);
            if (message == null) {
                throw new IOException("stream stopped answering at " + seq + " of " + until);
            }
            seq = message.metaData().streamSequence();
            seqs.add(new long[] {seq});
            kinds.add(EventFrames.monitorKindOf(channel, message.getData()));
            frames.add(EventFrames.encode(seq, message.getData()));
            replayed.increment();
            if (frames.size() == CHUNK || seq >= until) {
                if (!writeChunk(session, channel, seqs, kinds, frames, maxPending)) {
                    return false;
                }
                seqs = new ArrayList<>(CHUNK);
                kinds = new ArrayList<>(CHUNK);
                frames = new ArrayList<>(CHUNK);
                awaitDrain(session, maxPending / 2);
            }
        }
        frames.forEach(ByteBuf::release);
        return true;
    }

    private boolean writeChunk(ClientSession session, String channel, List<long[]> seqs, List<String> kinds,
            List<ByteBuf> frames, long maxPending) throws InterruptedException {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        session.loop().execute(() -> {
            boolean ok = true;
            for (int i = 0; i < frames.size(); i++) {
                if (ok) {
                    ok = session.replay(channel, seqs.get(i)[0], frames.get(i), kinds.get(i), maxPending);
                }
                frames.get(i).release();
            }
            written.complete(ok);
        });
        try {
            return written.get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private void awaitDrain(ClientSession session, long lowWater) throws InterruptedException {
        long deadline = System.nanoTime() + WRITE_WAIT.toNanos();
        while (session.pendingBytes() > lowWater && session.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

}
