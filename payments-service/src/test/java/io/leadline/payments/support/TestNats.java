package io.leadline.payments.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
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

    private static Connection connection;

    private TestNats() {
    }

    public static synchronized Connection connection() {
        if (connection == null || connection.getStatus() == Connection.Status.CLOSED) {
            try {
                // generous time-outs for connecting, JetStream calls and publish acknowledgements
                connection = LeadlineTestResources.nats().connect();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return connection;
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
        return new ChannelWatch(Channels.subjectOf(channel));
    }

    public static final class ChannelWatch implements AutoCloseable {

        private final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final io.nats.client.Dispatcher dispatcher;
        private final JetStreamSubscription subscription;

        ChannelWatch(String subject) {
            try {
                dispatcher = connection().createDispatcher();
                PushSubscribeOptions options = PushSubscribeOptions.builder()
                        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build())
                        .ordered(true).build();
                subscription = connection().jetStream().subscribe(subject, dispatcher,
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
            connection().closeDispatcher(dispatcher);
        }
    }
}
