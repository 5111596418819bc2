package io.leadline.leads.support;

import io.leadline.shared.event.Channels;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real JetStream consumer of one channel on the test's private NATS server, recording the raw
 * text of every message, as notify-service would receive it.
 */
public final class ChannelListener implements AutoCloseable {

    private final Connection connection;
    private final Dispatcher dispatcher;
    private final JetStreamSubscription subscription;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private ChannelListener(String channel) throws Exception {
        connection = LeadlineTestResources.nats().connect();
        dispatcher = connection.createDispatcher();
        var options = PushSubscribeOptions.builder()
                .ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build())
                .build();
        subscription = connection.jetStream().subscribe(Channels.subjectOf(channel), dispatcher,
                message -> messages.add(new String(message.getData(), StandardCharsets.UTF_8)), true, options);
    }

    public static ChannelListener on(String channel) throws Exception {
        return new ChannelListener(channel);
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Messages whose raw text mentions {@code needle}, e.g. {@code "id":"42"}. */
    public List<String> containing(String needle) {
        return messages.stream().filter(text -> text.contains(needle)).toList();
    }

    @Override
    public void close() throws Exception {
        dispatcher.unsubscribe(subscription);
        connection.close();
    }
}
