package io.leadline.notify.routing;

import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.GatewayConfig;
import io.leadline.notify.session.GatewayMetrics;
import io.leadline.notify.session.SessionEnd;
import io.leadline.notify.session.Subscriptions;
import io.leadline.notify.session.Sessions;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.ChannelStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import io.leadline.shared.nats.NatsReconnected;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes the {@code CHANNELS} stream once per instance (an ordered consumer: gap-free, in stream
 * order, recreated by the client library after a failure) and hands each event to the local
 * subscribers of its channel, encoded once. A later copy of an event a publisher sent again is not
 * delivered ({@link RepeatedEvents}).
 */
@ApplicationScoped
public class EventRouter {

    private static final Logger LOG = Logger.getLogger(EventRouter.class);

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    Subscriptions subscriptions;

    @Inject
    Sessions sessions;

    @Inject
    GatewayMetrics metrics;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    StreamEventCheck check;

    @Inject
    RepeatedEvents repeats;

    @Inject
    @Any
    Instance<EventViews> views;

    /** The adapters' views, looked up once: the router asks them for every event. */
    private List<EventViews> adapters = List.of();

    private static final java.time.Duration RESUBSCRIBE_BACKOFF = java.time.Duration.ofMillis(250);
    private static final java.time.Duration MAX_BACKOFF = java.time.Duration.ofSeconds(5);
    /** Failed attempts (each up to the JetStream request time-out, then the back-off: about 35 s) before reconnecting. */
    private static final int FORCE_RECONNECT_AFTER = 6;
    private volatile boolean shuttingDown;

    private final AtomicLong lastSeq = new AtomicLong();
    private final Map<EventLoop, LoopDeliveries> byLoop = new ConcurrentHashMap<>();
    private Dispatcher dispatcher;
    private JetStreamSubscription subscription;
    private Counter events;
    private Counter repeated;
    private Counter deliveries;
    private Counter framesOut;
    private Counter bytesOut;
    private Timer deliveryLatency;

    void start(@Observes StartupEvent event) throws IOException, JetStreamApiException, InterruptedException {
        events = registry.counter("leadline.gateway.events");
        repeated = Counter.builder("leadline.gateway.events.repeated")
                .description("stream messages not delivered because an earlier one carried the same event id")
                .register(registry);
        deliveries = registry.counter("leadline.gateway.deliveries");
        framesOut = registry.counter("leadline.gateway.frames.out");
        bytesOut = registry.counter("leadline.gateway.bytes.out");
        deliveryLatency = Timer.builder("leadline.gateway.delivery.latency")
                .description("from the event's creation (envelope ts) to its hand-over to the subscribers' event loops")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(registry);
        adapters = views.stream().toList();
        dispatcher = nats.createDispatcher();
        StreamState state = nats.jetStreamManagement().getStreamInfo(stream.name()).getStreamState();
        long last = state.getLastSequence();
        // before the first live event: a repeat of an event published before this start is recognised too
        repeats.readBack(nats, stream.name(), state);
        lastSeq.set(last);
        subscribeFrom(last + 1);
        LOG.infof("routing events of stream %s from #%d", stream.name(), last + 1);
    }

    /**
     * After an outage the consumer is recreated right away from the last routed sequence: a restarted
     * server has forgotten it, and events published meanwhile must not be skipped. Repeats are dropped.
     */
    void onReconnect(@ObservesAsync NatsReconnected event) {
        for (int attempt = 1; !shuttingDown; attempt++) {
            try {
                stream.verify();
                long streamLast = nats.jetStreamManagement().getStreamInfo(stream.name()).getStreamState()
                        .getLastSequence();
                if (streamLast < lastSeq.get()) {
                    // the stream lost its history (a new server without storage): every client position is
                    // now meaningless, so clients reconnect and learn recovered:false
                    LOG.warnf("stream %s restarted its sequence (%d < %d); closing all sockets with 1012",
                            stream.name(), streamLast, lastSeq.get());
                    lastSeq.set(streamLast);
                    repeats.clear(streamLast);
                    sessions.all().forEach(session -> session.end(SessionEnd.RESTARTING));
                }
                subscribeFrom(lastSeq.get() + 1);
                LOG.infof("routing resumed after reconnect from #%d", lastSeq.get() + 1);
                return;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                // routing is stopped until this succeeds: say why, with the cause, but not on every attempt
                if (attempt == 3 || attempt % 5 == 0) {
                    LOG.warnf(e, "routing not resumed after %d attempts since the NATS reconnect (connection %s)",
                            attempt, nats.getStatus());
                } else {
                    LOG.debugf("resubscribe attempt %d failed: %s", attempt, e.getMessage());
                }
                if (attempt % FORCE_RECONNECT_AFTER == 0 && forceReconnect()) {
                    // a new reconnect event starts this again on the fresh connection
                    return;
                }
                try {
                    Thread.sleep(Math.min(RESUBSCRIBE_BACKOFF.toMillis() * attempt, MAX_BACKOFF.toMillis()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * A reconnected connection whose JetStream requests keep timing out while the server answers others
     * (seen once on a loaded machine: every attempt for over a minute) is dropped and made again.
     */
    private boolean forceReconnect() {
        try {
            LOG.warnf("JetStream did not answer for %d attempts after the NATS reconnect: reconnecting", FORCE_RECONNECT_AFTER);
            nats.forceReconnect();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("forced reconnect failed: %s", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private synchronized void subscribeFrom(long startSeq) throws IOException, JetStreamApiException {
        if (subscription != null) {
            try {
                dispatcher.unsubscribe(subscription);
            } catch (RuntimeException ignored) {
                // already gone with the old server
            }
        }
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(stream.name())
                .ordered(true)
                .configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(startSeq)
                        .idleHeartbeat(ChannelStream.ORDERED_CONSUMER_HEARTBEAT)
                        .build())
                .build();
        subscription = nats.jetStream().subscribe(Channels.ALL_SUBJECTS, dispatcher, this::route, false, options);
    }

    void stop(@Observes ShutdownEvent event) {
        shuttingDown = true;
        if (subscription != null) {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection may already be closing
            }
        }
    }

    /** The newest stream sequence this instance has routed: a safe {@code since} watermark for clients. */
    public long lastSeq() {
        return lastSeq.get();
    }

    void route(Message message) {
        long seq = message.metaData().streamSequence();
        byte[] envelope = message.getData();
        if (seq <= lastSeq.get()) {
            return; // already routed: a consumer recreated after an outage starts where the old one may have been
        }
        lastSeq.set(seq);
        events.increment();
        String id = check.acceptedId(seq, message.getSubject(), envelope);
        if (id == null) {
            repeats.passed(seq);
            return;
        }
        if (repeats.repeatAndRecord(id, message.getSubject(), seq, RepeatedEvents.streamMillisOf(message))) {
            repeated.increment();
            return;
        }
        envelope = EventFrames.onOneLine(envelope);
        String channel = Channels.channelOf(message.getSubject());
        long ts = EventFrames.tsOf(envelope);
        if (ts > 0) {
            deliveryLatency.record(Math.max(0, System.currentTimeMillis() - ts), TimeUnit.MILLISECONDS);
        }
        String kind = EventFrames.monitorKindOf(channel, envelope);
        String excluded = EventFrames.excludedSocketOf(envelope);
        deliver(channel, seq, envelope, kind, excluded, EventFrames::encode);
        if (adapters.isEmpty()) {
            return;
        }
        List<EventViews.View> extra = new ArrayList<>(2);
        String type = EventFrames.typeOf(envelope);
        for (EventViews adapter : adapters) {
            adapter.viewsOf(channel, type, extra);
        }
        for (EventViews.View view : extra) {
            deliver(view.key(), seq, envelope, kind, excluded, view.encoder());
        }
    }

    /** Encodes the event for the subscribers of {@code key}, once, and queues it for each of their event loops. */
    private void deliver(String key, long seq, byte[] envelope, String kind, String excluded,
            EventViews.FrameEncoder encoder) {
        Map<EventLoop, Set<ClientSession>> loops = subscriptions.of(key);
        if (loops.isEmpty()) {
            return;
        }
        ByteBuf frame = encoder.encode(seq, envelope);
        try {
            for (EventLoop loop : loops.keySet()) {
                frame.retain();
                deliveriesOf(loop).offer(key, seq, frame, kind, excluded);
            }
        } finally {
            frame.release();
        }
    }

    private LoopDeliveries deliveriesOf(EventLoop loop) {
        LoopDeliveries existing = byLoop.get(loop);
        return existing != null ? existing : byLoop.computeIfAbsent(loop, this::newDeliveries);
    }

    private LoopDeliveries newDeliveries(EventLoop loop) {
        return new LoopDeliveries(loop, key -> subscriptions.of(key).getOrDefault(loop, Set.of()),
                // a batch frame no larger than one event's may be: a publisher's run of large events must
                // not add up to a frame that a client sized for max-event-bytes refuses (docs/security.md)
                config.maxPendingBytes(), config.coalesce().toNanos(), config.maxEventBytes(),
                new LoopDeliveries.Outcome() {
                    @Override
                    public void delivered(long events, long frames, long bytes) {
                        if (events > 0) {
                            deliveries.increment(events);
                        }
                        if (frames > 0) {
                            framesOut.increment(frames);
                            bytesOut.increment(bytes);
                        }
                    }

                    @Override
                    public void behind(ClientSession session) {
                        metrics.slowConsumer();
                        session.end(SessionEnd.SLOW_CONSUMER);
                    }
                });
    }
}
