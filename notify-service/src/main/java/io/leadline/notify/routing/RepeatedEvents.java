package io.leadline.notify.routing;

import io.leadline.notify.session.GatewayConfig;
import io.leadline.shared.event.Channels;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamState;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recognises an event that is in the stream twice: an outbox relay that died between the publish and
 * marking the row publishes the row again when it is back, and JetStream drops that repeat only inside
 * its duplicate window.
 *
 * <p>The rule is a function of the stream alone, so every notify instance decides the same, whenever it
 * started: a message is a <em>repeat</em> when one of the {@code repeat-window-messages} stream messages
 * before it, stored at most {@code repeat-window-age} before it (stream time), carries the same event id on
 * the same subject. (A publisher retries on the subject it used; an id seen under another owner's subject
 * suppresses nothing, so no service can silence another's events by borrowing their ids.)
 * A repeat is never delivered, live or replayed; the first copy is. Every occurrence counts, repeats too,
 * so a third copy is a repeat of the second even when the first has left the window.
 *
 * <p>The router records each message it routes ({@link #repeatAndRecord}); the replayer asks about older
 * messages ({@link #isRepeat}). At start the router reads the window back from the stream
 * ({@link #readBack}), so a restarted instance knows what it knew before. Memory is bounded by the window:
 * one entry per remembered message, forgotten when the message leaves the window.
 */
@ApplicationScoped
public class RepeatedEvents {

    private static final Logger LOG = Logger.getLogger(RepeatedEvents.class);
    private static final Duration READ_BACK_WAIT = Duration.ofSeconds(15);
    /**
     * Occurrences kept per subject and id. The newest decides every live message; older ones serve replays
     * that start between copies. A publisher repeating one id thousands of times gets no more, so each
     * message costs a bounded walk.
     */
    static final int MAX_OCCURRENCES = 16;

    @Inject
    GatewayConfig config;

    private int windowMessages;
    private int maxEventBytes;
    private long windowAgeMillis;
    /** Readers (replays) look ids up concurrently; entries are immutable and replaced whole. */
    private final ConcurrentHashMap<String, Occurrence> byId = new ConcurrentHashMap<>();
    // the window's messages by seq modulo its size: writes are confined to the router (synchronized for resets)
    private String[] slotIds;
    private long[] slotSeqs;
    private volatile long seenThrough;

    /** One occurrence of an id in the stream; {@code earlier} links the id's older ones still in the window. */
    private record Occurrence(long seq, long streamMillis, Occurrence earlier) {

        /** This chain cut after its {@code max} newest occurrences. */
        Occurrence upTo(int max) {
            int length = 0;
            for (Occurrence o = this; o != null; o = o.earlier) {
                if (++length > max) {
                    return without(o.seq);
                }
            }
            return this;
        }

        /** This chain without the occurrence at {@code gone} (leaving the window, or cut by {@link #upTo}). */
        Occurrence without(long gone) {
            java.util.ArrayList<Occurrence> kept = new java.util.ArrayList<>();
            Occurrence o = this;
            while (o != null && o.seq != gone) {
                kept.add(o);
                o = o.earlier;
            }
            if (o == null) {
                return this;
            }
            Occurrence rest = o.earlier;
            for (int i = kept.size() - 1; i >= 0; i--) {
                Occurrence k = kept.get(i);
                rest = new Occurrence(k.seq, k.streamMillis, rest);
            }
            return rest;
        }
    }

    RepeatedEvents() {
    }

    /** A window of its own, outside the container. */
    RepeatedEvents(int windowMessages, Duration windowAge, int maxEventBytes) {
        size(windowMessages, windowAge, maxEventBytes);
    }

    @PostConstruct
    void init() {
        size(config.repeatWindowMessages(), config.repeatWindowAge(), config.maxEventBytes());
    }

    private void size(int messages, Duration age, int maxBytes) {
        maxEventBytes = maxBytes;
        windowMessages = Math.max(1, messages);
        windowAgeMillis = age.toMillis();
        slotIds = new String[windowMessages];
        slotSeqs = new long[windowMessages];
    }

    /** Event ids remembered now (one per distinct id in the window). */
    int remembered() {
        return byId.size();
    }

    /**
     * From the router, for each accepted message in stream order: whether it is a repeat. It is remembered
     * either way, as the rule counts every occurrence.
     */
    public synchronized boolean repeatAndRecord(String id, String subject, long seq, long streamMillis) {
        String key = key(subject, id);
        boolean repeat = earlierWithinWindow(byId.get(key), seq, streamMillis);
        int slot = (int) (seq % windowMessages);
        String leaving = slotIds[slot];
        if (leaving != null) {
            long leavingSeq = slotSeqs[slot];
            byId.computeIfPresent(leaving, (k, occurrence) -> occurrence.without(leavingSeq));
        }
        slotIds[slot] = key;
        slotSeqs[slot] = seq;
        byId.compute(key, (k, earlier) -> new Occurrence(seq, streamMillis, earlier).upTo(MAX_OCCURRENCES));
        seenThrough = seq;
        return repeat;
    }

    /** From the router for a message it does not forward: nothing to remember, but the stream got this far. */
    public void passed(long seq) {
        seenThrough = seq;
    }

    /**
     * For a replay: whether the stream held {@code id} on {@code subject} within the window before {@code seq},
     * as far as routed.
     */
    public boolean isRepeat(String id, String subject, long seq, long streamMillis) {
        return earlierWithinWindow(byId.get(key(subject, id)), seq, streamMillis);
    }

    /** Whether an earlier occurrence at {@code seq}, {@code streamMillis} lies within the window. */
    public boolean withinWindow(long earlierSeq, long earlierMillis, long seq, long streamMillis) {
        return earlierSeq < seq && seq - earlierSeq <= windowMessages && streamMillis - earlierMillis <= windowAgeMillis;
    }

    /** Subject and id: an id counts only on the subject it was published on (a NUL is in neither). */
    private static String key(String subject, String id) {
        return subject + '\0' + id;
    }

    private boolean earlierWithinWindow(Occurrence occurrence, long seq, long streamMillis) {
        for (Occurrence o = occurrence; o != null; o = o.earlier()) {
            if (withinWindow(o.seq(), o.streamMillis(), seq, streamMillis)) {
                return true;
            }
        }
        return false;
    }

    /** The last stream sequence the router has passed: a replay asks about older ones only once it is there. */
    public long seenThrough() {
        return seenThrough;
    }

    /**
     * Waits (off the event loops) until the router has passed {@code seq}, at most {@code wait}; false when it
     * has not, and the answers may then miss what it has still to route.
     */
    public boolean awaitSeen(long seq, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (seenThrough < seq) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Forgets everything: the stream started its sequence again, so no old occurrence is in it any more. */
    public synchronized void clear(long seq) {
        byId.clear();
        java.util.Arrays.fill(slotIds, null);
        java.util.Arrays.fill(slotSeqs, 0);
        seenThrough = seq;
    }

    /**
     * Reads the window ending at {@code last} back from the stream, before the router routes anything after
     * it: what a running instance remembers, a starting one learns here, so both decide the same.
     */
    public void readBack(Connection nats, String stream, StreamState state) throws IOException, JetStreamApiException,
            InterruptedException {
        long last = state.getLastSequence();
        long from = Math.max(Math.max(1, state.getFirstSequence()), last - windowMessages + 1);
        if (last == 0 || state.getMsgCount() == 0) {
            seenThrough = last;
            return;
        }
        long started = System.nanoTime();
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(stream)
                .ordered(true)
                .configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(from)
                        .build())
                .build();
        JetStreamSubscription subscription = nats.jetStream().subscribe(Channels.ALL_SUBJECTS, options);
        long read = 0;
        try {
            long seq = from - 1;
            while (seq < last) {
                Message message = subscription.nextMessage(READ_BACK_WAIT);
                if (message == null) {
                    // the gateway starts all the same: refusing sockets would cost more than a repeat let through
                    LOG.warnf("stream %s stopped answering at #%d of #%d while reading back event ids: a copy of"
                            + " an earlier event may be delivered again", stream, seq, last);
                    break;
                }
                seq = message.metaData().streamSequence();
                if (seq > last) {
                    break;
                }
                String id = StreamEventCheck.acceptedId(message.getSubject(), message.getData(), maxEventBytes);
                if (id != null) {
                    repeatAndRecord(id, message.getSubject(), seq, streamMillisOf(message));
                }
                read++;
                if (message.metaData().pendingCount() == 0) {
                    break; // the messages up to last that were deleted meanwhile will not come
                }
            }
        } finally {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection closing
            }
            seenThrough = last;
        }
        LOG.infof("read back %d event ids of stream %s (#%d to #%d) in %d ms", read, stream, from, last,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** When the stream stored the message (server time, the same for every instance). */
    public static long streamMillisOf(Message message) {
        return message.metaData().timestamp().toInstant().toEpochMilli();
    }
}
