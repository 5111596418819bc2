package io.leadline.notify.pusher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.leadline.shared.nats.ChannelStream;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts app events (HTTP API, client events) on the CHANNELS stream under notify's own owner token:
 * subject {@code ch.notify.<bus channel>} ({@link PusherChannels.Channel#subject()}), {@code Nats-Msg-Id}
 * the envelope id, and an envelope whose fields come in the contract's order
 * ({@code id, type, channel, ts, socket_id, data}) so that the router can scan them without parsing.
 * Never blocks on the stream: the returned future completes once the stream acknowledged every event.
 */
@ApplicationScoped
public class PusherPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    /** One event for one Pusher channel; {@code socketId} (may be null) is the socket that must not get it. */
    /**
     * An application event; {@code socketId} is the socket it must not reach (null: none), {@code userId} the
     * presence member who sent a client event (null for events of the HTTP API).
     */
    public record AppEvent(String name, PusherChannels.Channel channel, String socketId, String userId, JsonNode data) {
        public AppEvent {
            if (channel == null || channel.subject() == null) {
                throw new IllegalArgumentException("nothing can be published to channel "
                        + (channel == null ? null : channel.name()));
            }
        }

        public AppEvent(String name, PusherChannels.Channel channel, String socketId, JsonNode data) {
            this(name, channel, socketId, null, data);
        }
    }

    /** An event as it went onto the stream. */
    public record Published(String id, String subject, long streamSeq) {
    }

    @Inject
    Connection nats;

    @Inject
    ChannelStream stream;

    @Inject
    PusherConfig config;

    private JetStream jetStream;

    @PostConstruct
    void init() {
        try {
            jetStream = nats.jetStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes all, in order; completes when every one is acknowledged, fails when any is not (in time). */
    public CompletableFuture<List<Published>> publish(List<AppEvent> events) {
        List<CompletableFuture<Published>> acks = new ArrayList<>(events.size());
        for (AppEvent event : events) {
            String id = UUID.randomUUID().toString();
            String subject = event.channel().subject();
            byte[] body = envelope(id, event, System.currentTimeMillis());
            PublishOptions options = PublishOptions.builder().messageId(id).expectedStream(stream.name()).build();
            CompletableFuture<PublishAck> ack;
            try {
                ack = jetStream.publishAsync(subject, body, options);
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            acks.add(ack.orTimeout(config.publishTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .thenApply(done -> new Published(id, subject, done.getSeqno())));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .thenApply(all -> acks.stream().map(CompletableFuture::join).toList());
    }

    /** The HTTP API's {@code data}: the JSON it holds when it is JSON, else the string itself. */
    public static JsonNode dataOf(String data) {
        if (data == null) {
            return TextNode.valueOf("");
        }
        try (var parser = FACTORY.createParser(data)) {
            JsonNode parsed = JSON.readTree(parser);
            if (parsed != null && parser.nextToken() == null) {
                return parsed;
            }
        } catch (IOException notJson) {
            // kept as text
        }
        return TextNode.valueOf(data);
    }

    /** {@code {"id","type","channel","ts","socket_id"?,"user_id"?,"data"}}, in this order. */
    public static byte[] envelope(String id, AppEvent event, long epochMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", id);
            json.writeStringField("type", event.name());
            json.writeStringField("channel", event.channel().busChannel());
            json.writeNumberField("ts", epochMillis);
            if (event.socketId() != null) {
                json.writeStringField("socket_id", event.socketId());
            }
            if (event.userId() != null) {
                json.writeStringField("user_id", event.userId());
            }
            json.writeFieldName("data");
            JSON.writeTree(json, event.data() == null ? TextNode.valueOf("") : event.data());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
