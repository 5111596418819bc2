package io.leadline.notify;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;

import java.io.IOException;

/**
 * The other services on the test's NATS server, each with its own credentials: events are published
 * by the service that owns them, escrow parties are written as payments-service writes them.
 */
public final class TestBus {

    private TestBus() {
    }

    public static Connection as(NatsIdentity identity) {
        return LeadlineTestResources.nats().connection(identity);
    }

    /** The connection of the service that publishes events of this type. */
    public static Connection ownerOf(EventType type) {
        return as(NatsIdentity.of(type.owner()));
    }

    /** Publishes as the owner of the envelope's type, with {@code Nats-Msg-Id} = {@code messageId} (none when null). */
    public static PublishAck publish(EventEnvelope<?> envelope, String messageId) throws IOException, JetStreamApiException {
        PublishOptions.Builder options = PublishOptions.builder();
        if (messageId != null) {
            options.messageId(messageId);
        }
        return ownerOf(EventType.fromWireName(envelope.type())).jetStream()
                .publish(Channels.subjectOf(envelope), JsonCodec.encode(envelope), options.build());
    }

    /** Puts an escrow's parties into the bucket, as payments-service does. */
    public static void putParties(String escrow, String buyer, String seller) throws IOException, JetStreamApiException {
        as(NatsIdentity.PAYMENTS).keyValue(EscrowPartiesBucket.NAME)
                .put(escrow, JsonCodec.encode(new EscrowPartiesBucket.Parties(buyer, seller)));
    }
}
