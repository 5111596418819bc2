package io.leadline.payments.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.StreamLimits;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.leadline.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client of the test's private NATS server, as another service or the gateway would be. */
public final class TestNats {

    private TestNats() {
    }

    /** As leads-service, the one service that asks this one to debit and credit. */
    public static Connection connection() {
        return as(NatsIdentity.LEADS);
    }

    /** As another identity: notify-service reads the escrow-parties bucket, payments-service writes it. */
    public static Connection as(NatsIdentity identity) {
        return LeadlineTestResources.nats().connection(identity);
    }

    public static JsonNode request(String subject, String json) {
        try {
            Message reply = connection().request(subject, json.getBytes(), NatsTestServer.CLIENT_TIMEOUT);
            if (reply == null) {
                throw new AssertionError("no reply on " + subject);
            }
            return JsonCodec.tree(reply.getData());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything published on a channel's subject, from the start of the stream, as envelopes. */
    public static ChannelWatch watch(String channel) {
        return new ChannelWatch(Channels.subjectsOf(channel));
    }

    public static final class ChannelWatch implements AutoCloseable {

        private final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final io.nats.client.Dispatcher dispatcher;
        private final JetStreamSubscription subscription;

        ChannelWatch(String subject) {
            try {
                Connection reader = as(NatsIdentity.NOTIFY);
                dispatcher = reader.createDispatcher();
                PushSubscribeOptions options = PushSubscribeOptions.builder()
                        .stream(StreamLimits.DEFAULTS.name()) // named: the reader may not list streams
                        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build())
                        .ordered(true).build();
                subscription = reader.jetStream().subscribe(subject, dispatcher,
                        msg -> events.add(JsonCodec.tree(msg.getData())), true, options);
            } catch (Exception e) {
                throw new IllegalStateException("cannot watch " + subject, e);
            }
        }

        public List<JsonNode> events() {
            return new ArrayList<>(events);
        }

        public List<JsonNode> ofType(String type) {
            return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
        }

        @Override
        public void close() {
            try {
                dispatcher.unsubscribe(subscription);
            } catch (RuntimeException ignored) {
                // already gone
            }
            as(NatsIdentity.NOTIFY).closeDispatcher(dispatcher);
        }
    }
}
