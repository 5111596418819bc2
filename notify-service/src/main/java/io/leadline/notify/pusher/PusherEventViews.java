package io.leadline.notify.pusher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.leadline.notify.routing.EventFrames;
import io.leadline.notify.routing.EventViews;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.netty.buffer.ByteBuf;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The stream as Pusher sockets see it. A Leadline channel {@code user.7} is the Pusher channel
 * {@code private-user.7}; a lead distributed to user 7 is also event {@code lead.distributed} on
 * {@code private-property-manager.7}, the name the property-management app listens on; an application
 * event (Pusher HTTP API, client event) published on any other name reaches that name only.
 *
 * <p>Pusher subscriptions are indexed under {@link #key(String)}, apart from Leadline channel names, so
 * the router never sends a Leadline frame to a Pusher socket or the other way round.
 */
@ApplicationScoped
public class PusherEventViews implements EventViews {

    static final String PROPERTY_MANAGER_EVENT = "lead.distributed";
    private static final String KEY_PREFIX = "pusher:";
    private static final String LEAD_DISTRIBUTED = EventType.LEAD_DISTRIBUTED.wireName();
    private static final JsonFactory JSON = new JsonFactory();

    /** The subscription key of a Pusher channel. */
    static String key(String pusherChannel) {
        return KEY_PREFIX + pusherChannel;
    }

    @Override
    public void viewsOf(String channel, String type, List<View> into) {
        if (channel == null || type == null) {
            return;
        }
        if (Channels.kindOf(channel) == null) {
            into.add(new View(key(channel), (seq, envelope) -> frame(channel, type, envelope)));
            return;
        }
        String privateName = PusherChannels.PRIVATE_PREFIX + channel;
        into.add(new View(key(privateName), (seq, envelope) -> frame(privateName, type, envelope)));
        if (LEAD_DISTRIBUTED.equals(type) && Channels.kindOf(channel) == Channels.ChannelKind.USER) {
            String propertyManager = PusherChannels.PROPERTY_MANAGER_PREFIX + Channels.idOf(channel);
            into.add(new View(key(propertyManager),
                    (seq, envelope) -> frame(propertyManager, PROPERTY_MANAGER_EVENT, envelope)));
        }
    }

    /**
     * A Pusher event frame: the envelope's data as the JSON text Pusher clients parse, and the sender's
     * {@code user_id} for a client event on a presence channel.
     */
    static ByteBuf frame(String pusherChannel, String event, byte[] envelope) {
        Parts parts = partsOf(envelope);
        return EventFrames.textFrame(eventJson(pusherChannel, event, parts.data(), parts.userId()));
    }

    static byte[] eventJson(String pusherChannel, String event, String data, String userId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (data == null ? 0 : data.length()));
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("event", event);
            json.writeStringField("channel", pusherChannel);
            json.writeStringField("data", data == null ? "{}" : data);
            if (userId != null) {
                json.writeStringField("user_id", userId);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** What a Pusher frame takes from an envelope. */
    record Parts(String data, String userId) {
    }

    /**
     * The envelope's {@code data} as Pusher sends it (a string stays that string, any other JSON value
     * becomes its compact text, which pusher-js parses back) and the {@code user_id} written before it.
     */
    static Parts partsOf(byte[] envelope) {
        String userId = null;
        try (JsonParser parser = JSON.createParser(envelope)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Parts(null, null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("user_id".equals(field) && value == JsonToken.VALUE_STRING) {
                    userId = parser.getText();
                    continue;
                }
                if (!"data".equals(field)) {
                    parser.skipChildren();
                    continue;
                }
                if (value == JsonToken.VALUE_STRING) {
                    return new Parts(parser.getText(), userId);
                }
                StringWriter text = new StringWriter();
                try (JsonGenerator copy = JSON.createGenerator(text)) {
                    copy.copyCurrentStructure(parser);
                }
                return new Parts(text.toString(), userId);
            }
            return new Parts(null, userId);
        } catch (IOException e) {
            return new Parts(null, null); // the stream check already refused anything unreadable
        }
    }
}
