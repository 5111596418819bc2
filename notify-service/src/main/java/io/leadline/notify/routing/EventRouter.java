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
import io.netty.channel.EventLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Map;
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

    private final AtomicLong lastSeq = new AtomicLong();
    private Dispatcher dispatcher;
    private JetStreamSubscription subscription;
    private Counter events;
    private Counter deliveries;
    private Counter slowConsumers;

    void start(@Observes StartupEvent event) throws IOException, JetStreamApiException {
        events = registry.counter("leadline.gateway.events");
        deliveries = registry.counter("leadline.gateway.deliveries");
        slowConsumers = registry.counter("leadline.gateway.slow.consumer.closes");
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
        Map<EventLoop, Set<ClientSession>> loops = subscriptions.of(channel);
        if (loops.isEmpty()) {
            return;
        }
        ByteBuf frame = EventFrames.encode(seq, envelope);
        try {
            for (Map.Entry<EventLoop, Set<ClientSession>> group : loops.entrySet()) {
                frame.retain();
                group.getKey().execute(() -> deliverOnLoop(channel, seq, frame, group.getValue()));
            }
        } finally {
            frame.release();
        }
    }

    private void deliverOnLoop(String channel, long seq, ByteBuf frame, Set<ClientSession> sessions) {
        long maxPending = config.maxPendingBytes();
        int delivered = 0;
        try {
            for (ClientSession session : sessions) {
                if (session.deliver(channel, seq, frame, maxPending)) {
                    delivered++;
                } else {
                    slowConsumers.increment();
                    session.close(SLOW_CONSUMER, "slow consumer");
                }
            }
        } finally {
            frame.release();
        }
        deliveries.increment(delivered);
    }
}
