package io.leadline.notify.routing;

import io.leadline.notify.gateway.ClientSession;
import io.leadline.notify.gateway.GatewayConfig;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.ChannelStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.netty.buffer.ByteBuf;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes the {@code CHANNELS} stream once per instance (an ordered consumer: gap-free, in stream
 * order, recreated by the client library after a failure) and hands each event to the local
 * subscribers of its channel, encoded once.
 */
@ApplicationScoped
public class EventRouter {

    private static final Logger LOG = Logger.getLogger(EventRouter.class);
    public static final short SLOW_CONSUMER = 4008;

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    Subscriptions subscriptions;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    jakarta.enterprise.inject.Instance<EventListener> listeners;

    private final AtomicLong lastSeq = new AtomicLong();
    private Dispatcher dispatcher;
    private JetStreamSubscription subscription;
    private Counter events;
    private Counter deliveries;
    private Counter slowConsumers;
    private List<EventListener> eventListeners;

    /** Something else that wants every event (the notification inbox). */
    public interface EventListener {
        void onEvent(String channel, String type, long seq, byte[] envelope);
    }

    void start(@Observes StartupEvent event) throws IOException, JetStreamApiException {
        events = registry.counter("leadline.gateway.events");
        deliveries = registry.counter("leadline.gateway.deliveries");
        slowConsumers = registry.counter("leadline.gateway.slow.consumer.closes");
        eventListeners = listeners.stream().toList();
        dispatcher = nats.createDispatcher();
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(stream.name())
                .ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build())
                .build();
        subscription = nats.jetStream().subscribe(Channels.ALL_SUBJECTS, dispatcher, this::route, false, options);
        LOG.infof("routing events of stream %s", stream.name());
    }

    void stop(@Observes ShutdownEvent event) {
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
        String channel = Channels.channelOf(message.getSubject());
        byte[] envelope = message.getData();
        lastSeq.set(seq);
        events.increment();
        if (!eventListeners.isEmpty()) {
            String type = EventFrames.typeOf(envelope);
            for (EventListener listener : eventListeners) {
                try {
                    listener.onEvent(channel, type, seq, envelope);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "event listener failed on %s #%d", channel, seq);
                }
            }
        }
        Set<ClientSession> sessions = subscriptions.of(channel);
        if (sessions.isEmpty()) {
            return;
        }
        ByteBuf frame = EventFrames.encode(seq, envelope);
        List<ClientSession> tooSlow = null;
        int delivered = 0;
        try {
            for (ClientSession session : sessions) {
                if (session.deliver(channel, seq, frame, config.maxPendingFrames())) {
                    delivered++;
                } else {
                    if (tooSlow == null) {
                        tooSlow = new ArrayList<>();
                    }
                    tooSlow.add(session);
                }
            }
        } finally {
            frame.release();
        }
        deliveries.increment(delivered);
        if (tooSlow != null) {
            for (ClientSession session : tooSlow) {
                slowConsumers.increment();
                session.close(SLOW_CONSUMER, "slow consumer");
            }
        }
    }
}
