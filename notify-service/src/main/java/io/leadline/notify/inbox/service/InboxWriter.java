package io.leadline.notify.inbox.service;

import io.leadline.notify.inbox.InboxConfig;
import io.leadline.notify.authorization.EscrowParties;
import io.leadline.notify.routing.StreamEventCheck;
import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.Channels;
import io.leadline.shared.nats.ChannelStream;
import io.leadline.shared.nats.NatsReconnected;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Fills the inboxes from the {@code CHANNELS} stream, in stream order, on one instance at a time.
 *
 * <p>The instance holding the lease in {@code inbox_position} reads the stream with an ordered
 * consumer from the stored position on, and stores each batch of inbox entries in one transaction
 * together with the new position: a crash loses nothing and stores nothing twice, and the position
 * tells REST reads how far the inbox goes ({@link InboxPosition}). The other instances stand by and
 * take over when the lease lapses. Reading runs on a thread of its own, never on a NATS dispatcher
 * or an event loop.
 */
@ApplicationScoped
public class InboxWriter {

    private static final Logger LOG = Logger.getLogger(InboxWriter.class);
    private static final int PARKED_PER_ROUND = 100;

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    EscrowParties escrowParties;

    @Inject
    InboxStore store;

    @Inject
    InboxPosition position;

    @Inject
    InboxConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    StreamEventCheck check;

    private final String writerId = newWriterId();
    private final InboxEntries entries = new InboxEntries(this::partiesOf);
    private volatile boolean running = true;
    private volatile boolean resubscribe;
    private Thread thread;
    private Counter stored;
    private Counter parked;
    private Counter dropped;
    private Counter failures;

    void start(@Observes StartupEvent event) {
        stored = registry.counter("leadline.inbox.stored");
        parked = registry.counter("leadline.inbox.parked");
        dropped = registry.counter("leadline.inbox.dropped");
        failures = registry.counter("leadline.inbox.failures");
        thread = new Thread(this::run, "inbox-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.idleWait().toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** After an outage the ordered consumer is recreated from the stored position (a restarted server forgot it). */
    void onReconnect(@ObservesAsync NatsReconnected event) {
        resubscribe = true;
    }

    /** This instance's name in the lease: the host (a pod's name) and a random suffix. */
    public String writerId() {
        return writerId;
    }

    @Scheduled(every = "${leadline.inbox.parked-retry-interval:2s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> resolveParked() {
        return store.resolveParked(entries, config.parkedMaxAge(), PARKED_PER_ROUND)
                .invoke(count -> stored.increment(count))
                .onFailure().invoke(e -> LOG.debugf("parked escrow notifications not resolved this round: %s",
                        e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void run() {
        JetStreamSubscription subscription = null;
        long renewedAt = 0;
        while (running) {
            try {
                if (subscription == null) {
                    Instant created = streamCreated();
                    OptionalLong from = awaitStored(() -> store.lead(writerId, config.lease(), created));
                    if (from.isEmpty()) {
                        sleep(config.standbyCheck());
                        continue;
                    }
                    position.advance(from.getAsLong());
                    subscription = subscribeAfter(from.getAsLong());
                    renewedAt = System.nanoTime();
                    LOG.infof("inbox writer %s reading %s from #%d", writerId, stream.name(), from.getAsLong() + 1);
                }
                if (resubscribe) {
                    resubscribe = false;
                    subscription = close(subscription);
                    continue;
                }
                Message first = subscription.nextMessage(config.idleWait());
                if (first == null) {
                    // idle: renew the lease now and then (every batch renews it too); losing it means
                    // another instance writes now
                    if (System.nanoTime() - renewedAt > config.lease().toNanos() / 3) {
                        if (!awaitStored(() -> store.apply(writerId, config.lease(), List.of())).written()) {
                            subscription = standBy(subscription);
                            continue;
                        }
                        renewedAt = System.nanoTime();
                    }
                    continue;
                }
                List<InboxStore.Item> items = itemsOf(batchFrom(subscription, first));
                InboxStore.Applied applied = awaitStored(() -> store.apply(writerId, config.lease(), items));
                if (!applied.written()) {
                    subscription = standBy(subscription);
                    continue;
                }
                renewedAt = System.nanoTime();
                position.advance(applied.position());
                stored.increment(applied.stored());
                parked.increment(applied.parked());
                dropped.increment(applied.dropped());
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (!running) {
                    break;
                }
                failures.increment();
                LOG.warnf("inbox writer failed; starting again from the stored position: %s", e.toString());
                subscription = close(subscription);
                sleep(config.retryDelay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close(subscription);
        giveUpLease();
    }

    private JetStreamSubscription standBy(JetStreamSubscription subscription) {
        LOG.infof("inbox writer %s stands by: another instance holds the lease", writerId);
        return close(subscription);
    }

    private List<Message> batchFrom(JetStreamSubscription subscription, Message first) throws InterruptedException {
        List<Message> batch = new ArrayList<>();
        batch.add(first);
        Message next;
        while (batch.size() < config.batchSize() && (next = subscription.nextMessage((Duration) null)) != null) {
            batch.add(next);
        }
        return batch;
    }

    private List<InboxStore.Item> itemsOf(List<Message> batch) {
        List<InboxStore.Item> items = new ArrayList<>(batch.size());
        for (Message message : batch) {
            long seq = message.metaData().streamSequence();
            InboxEntries.StreamEvent event = new InboxEntries.StreamEvent(seq, message.getSubject(), message.getData(),
                    message.metaData().timestamp().toInstant());
            // what the gateway would not forward is not stored either; the position passes it all the same
            InboxEntries.Outcome outcome = check.accept(seq, message.getSubject(), message.getData())
                    ? entries.of(event) : InboxEntries.Outcome.IGNORED;
            items.add(new InboxStore.Item(event, outcome));
        }
        return items;
    }

    private JetStreamSubscription subscribeAfter(long position) throws IOException, JetStreamApiException {
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(stream.name())
                .ordered(true)
                .configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(position + 1)
                        .idleHeartbeat(ChannelStream.ORDERED_CONSUMER_HEARTBEAT)
                        .build())
                .build();
        return nats.jetStream().subscribe(Channels.ALL_SUBJECTS, options);
    }

    /** When the stream was created, to the microsecond (as PostgreSQL keeps it). */
    private Instant streamCreated() throws IOException, JetStreamApiException {
        return nats.jetStreamManagement().getStreamInfo(stream.name()).getCreateTime().toInstant()
                .truncatedTo(ChronoUnit.MICROS);
    }

    /** The local watched copy first; the bucket itself when the watch has not caught up yet. */
    private Optional<EscrowPartiesBucket.Parties> partiesOf(String escrowId) {
        Optional<EscrowPartiesBucket.Parties> known = escrowParties.parties(escrowId);
        if (known.isPresent()) {
            return known;
        }
        escrowParties.refresh(escrowId);
        return escrowParties.parties(escrowId);
    }

    private void giveUpLease() {
        try {
            awaitStored(() -> store.release(writerId));
        } catch (RuntimeException e) {
            LOG.debugf("lease not released (it lapses by itself): %s", e.getMessage());
        }
    }

    /**
     * The writer's own thread waits for each transaction: the stream is read in order, one batch at a
     * time, and the transaction itself runs on a Vert.x context, as Hibernate Reactive requires.
     */
    private static <T> T awaitStored(Supplier<Uni<T>> transaction) {
        try {
            return VertxContextSupport.subscribeAndAwait(transaction);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static JetStreamSubscription close(JetStreamSubscription subscription) {
        if (subscription != null) {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection may be closing
            }
        }
        return null;
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static String newWriterId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "notify";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
