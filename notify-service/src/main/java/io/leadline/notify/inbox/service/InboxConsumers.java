package io.leadline.notify.inbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.notify.inbox.InboxConfig;
import io.leadline.notify.inbox.NewNotification;
import io.leadline.notify.routing.EscrowParties;
import io.leadline.notify.routing.EventFrames;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.ChannelStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fills the inboxes from the {@code CHANNELS} stream with two durable pull consumers, one on
 * {@code ch.user.>} and one on {@code ch.escrow.>}. Every notify instance fetches from the same two
 * consumers, so each event is handed to one instance only; a batch is stored in one transaction and
 * acknowledged after it commits. A crash before the acknowledgement means a redelivery, which the
 * unique {@code (user_id, event_id)} turns into a no-op: no entry is lost and none is doubled.
 *
 * <p>Each consumer is fetched on a thread of its own, never on a NATS dispatcher or an event loop.
 */
@ApplicationScoped
public class InboxConsumers {

    private static final Logger LOG = Logger.getLogger(InboxConsumers.class);

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    EscrowParties escrowParties;

    @Inject
    InboxService inbox;

    @Inject
    InboxConfig config;

    @Inject
    MeterRegistry registry;

    private final List<Feed> feeds = new ArrayList<>();
    private Counter stored;
    private Counter failures;

    void start(@Observes StartupEvent event) {
        stored = registry.counter("leadline.inbox.stored");
        failures = registry.counter("leadline.inbox.failures");
        feeds.add(new Feed(config.usersConsumer(), Channels.subjectOf(Channels.USER_PREFIX) + ">"));
        feeds.add(new Feed(config.escrowsConsumer(), Channels.subjectOf(Channels.ESCROW_PREFIX) + ">"));
        feeds.forEach(Feed::start);
    }

    void stop(@Observes ShutdownEvent event) {
        feeds.forEach(Feed::stopFetching);
        feeds.forEach(Feed::awaitStopped);
    }

    private static void addIfId(Set<String> recipients, String userId) {
        if (Channels.isId(userId)) {
            recipients.add(userId);
        }
    }

    /** A fetched message and the inbox entries it makes; what to do with it once they are stored. */
    private record Item(Message message, List<NewNotification> entries, Outcome outcome) {
    }

    private enum Outcome {
        /** Store the entries (maybe none), then acknowledge. */
        STORE,
        /** Not storable yet (escrow parties unknown, or an unexpected failure): deliver again later. */
        RETRY,
        /** Never storable (malformed, or parties never appeared): drop it. */
        DROP
    }

    /** One durable consumer and the thread that fetches from it. */
    private final class Feed implements Runnable {

        private final String durable;
        private final String filter;
        private final Thread thread;
        private volatile boolean running = true;
        private KeyValue partiesBucket;

        Feed(String durable, String filter) {
            this.durable = durable;
            this.filter = filter;
            this.thread = new Thread(this, "inbox-" + durable);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stopFetching() {
            running = false;
        }

        void awaitStopped() {
            try {
                thread.join(config.fetchWait().plus(config.retryDelay()).toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            JetStreamSubscription subscription = null;
            while (running) {
                try {
                    if (subscription == null) {
                        subscription = subscribe();
                    }
                    List<Message> batch = subscription.fetch(config.fetchBatch(), config.fetchWait());
                    if (!batch.isEmpty()) {
                        handle(batch);
                    }
                } catch (RuntimeException | IOException | JetStreamApiException e) {
                    if (!running) {
                        break;
                    }
                    failures.increment();
                    LOG.warnf("inbox consumer %s failed, retrying: %s", durable, e.toString());
                    subscription = close(subscription);
                    pause();
                }
            }
            close(subscription);
        }

        private JetStreamSubscription subscribe() throws IOException, JetStreamApiException {
            ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                    .durable(durable)
                    .filterSubject(filter)
                    .deliverPolicy(DeliverPolicy.All)
                    .ackPolicy(AckPolicy.Explicit)
                    .ackWait(config.ackWait())
                    .maxAckPending(config.maxAckPending())
                    .build();
            nats.jetStreamManagement().addOrUpdateConsumer(stream.name(), consumer);
            JetStreamSubscription subscription = nats.jetStream()
                    .subscribe(filter, PullSubscribeOptions.bind(stream.name(), durable));
            LOG.debugf("inbox consumer %s fetching %s", durable, filter);
            return subscription;
        }

        private void handle(List<Message> batch) {
            List<Item> items = new ArrayList<>(batch.size());
            List<NewNotification> entries = new ArrayList<>();
            for (Message message : batch) {
                Item item;
                try {
                    item = itemOf(message);
                } catch (RuntimeException e) {
                    LOG.warnf("cannot read %s for the inbox, will retry: %s", message.getSubject(), e.toString());
                    item = new Item(message, List.of(), Outcome.RETRY);
                }
                items.add(item);
                if (item.outcome() == Outcome.STORE) {
                    entries.addAll(item.entries());
                }
            }
            try {
                stored.increment(inbox.record(entries));
                items.forEach(this::settle);
            } catch (RuntimeException batchFailed) {
                // store one by one, so one entry the database refuses holds back only its own message
                LOG.debugf(batchFailed, "inbox batch of %d failed; storing one by one", batch.size());
                for (Item item : items) {
                    if (item.outcome() != Outcome.STORE || item.entries().isEmpty()) {
                        settle(item);
                        continue;
                    }
                    try {
                        stored.increment(inbox.record(item.entries()));
                        item.message().ack();
                    } catch (RuntimeException e) {
                        failures.increment();
                        LOG.warnf("cannot store %s #%d in the inbox, will retry: %s", item.message().getSubject(),
                                item.message().metaData().streamSequence(), e.toString());
                        item.message().nakWithDelay(config.retryDelay());
                    }
                }
            }
        }

        private void settle(Item item) {
            switch (item.outcome()) {
                case STORE -> item.message().ack();
                case RETRY -> item.message().nakWithDelay(config.retryDelay());
                case DROP -> item.message().term();
            }
        }

        private Item itemOf(Message message) {
            byte[] body = message.getData();
            String channel = Channels.channelOf(message.getSubject());
            if (!storable(EventType.fromWireName(EventFrames.typeOf(body)), channel)) {
                return new Item(message, List.of(), Outcome.STORE); // not inbox material: acknowledge and move on
            }
            EventEnvelope<JsonNode> envelope;
            try {
                envelope = JsonCodec.decodeEnvelope(body);
            } catch (RuntimeException e) {
                LOG.warnf("dropping malformed event on %s #%d", channel, message.metaData().streamSequence());
                return new Item(message, List.of(), Outcome.DROP);
            }
            EventType type = EventType.fromWireName(envelope.type()); // the quick look above read the raw bytes
            if (!storable(type, channel)) {
                return new Item(message, List.of(), Outcome.STORE);
            }
            String channelId = Channels.idOf(channel);
            Optional<NotificationText> text = NotificationText.of(type, envelope.data(), channelId);
            if (envelope.id() == null || text.isEmpty()) {
                LOG.warnf("dropping %s without id or data on %s", type.wireName(), channel);
                return new Item(message, List.of(), Outcome.DROP);
            }
            Set<String> recipients;
            if (type.channelKind() == Channels.ChannelKind.USER) {
                recipients = Set.of(channelId);
            } else {
                Optional<EscrowParties.Parties> parties = partiesOf(channelId);
                if (parties.isEmpty()) {
                    if (message.metaData().deliveredCount() < config.unknownEscrowDeliveries()) {
                        return new Item(message, List.of(), Outcome.RETRY);
                    }
                    LOG.warnf("dropping %s of escrow %s: its parties never became known", type.wireName(), channelId);
                    return new Item(message, List.of(), Outcome.DROP);
                }
                recipients = new LinkedHashSet<>();
                addIfId(recipients, parties.get().buyerId());
                addIfId(recipients, parties.get().sellerId());
            }
            String data = JsonCodec.encodeToString(envelope.data());
            Instant at = envelope.ts() > 0 ? Instant.ofEpochMilli(envelope.ts())
                    : message.metaData().timestamp().toInstant();
            long seq = message.metaData().streamSequence();
            List<NewNotification> entries = recipients.stream()
                    .map(user -> new NewNotification(user, envelope.id(), type.wireName(), seq, text.get().title(),
                            text.get().message(), text.get().priority(), data, at))
                    .toList();
            return new Item(message, entries, Outcome.STORE);
        }

        /** Inbox material, on the kind of channel it belongs to (so a user event never names an escrow as a user). */
        private boolean storable(EventType type, String channel) {
            if (type == null || Channels.kindOf(channel) != type.channelKind()) {
                return false;
            }
            return switch (type) {
                case NOTIFICATION_MESSAGE, LEAD_ALERT, LEAD_DISTRIBUTED, BALANCE_UPDATED, STATUS_CHANGE -> true;
                default -> false;
            };
        }

        /** The local watched copy first; the bucket itself when the watch has not caught up yet. */
        private Optional<EscrowParties.Parties> partiesOf(String escrowId) {
            Optional<EscrowParties.Parties> known = escrowParties.parties(escrowId);
            if (known.isPresent()) {
                return known;
            }
            try {
                if (partiesBucket == null) {
                    partiesBucket = nats.keyValue(EscrowParties.BUCKET);
                }
                KeyValueEntry entry = partiesBucket.get(escrowId);
                if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                    return Optional.empty();
                }
                return Optional.of(JsonCodec.decode(entry.getValue(), EscrowParties.Parties.class));
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debugf("escrow parties of %s unreadable for now: %s", escrowId, e.toString());
                return Optional.empty();
            }
        }

        private JetStreamSubscription close(JetStreamSubscription subscription) {
            if (subscription != null) {
                try {
                    subscription.unsubscribe(); // the durable consumer stays, with its position
                } catch (RuntimeException ignored) {
                    // the connection may be closing
                }
            }
            return null;
        }

        private void pause() {
            try {
                TimeUnit.MILLISECONDS.sleep(config.retryDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
