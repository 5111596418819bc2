package io.leadline.notify.pusher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.leadline.notify.routing.EventFrames;
import io.leadline.notify.routing.EventViews;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.netty.buffer.ByteBuf;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
     * A Pusher event frame: {@code {"event":…,"channel":…,"data":"<the envelope's data as a JSON string>"}},
     * plus the sender's {@code user_id} for a client event on a presence channel.
     *
     * <p>The data is spliced, not re-encoded: its bytes are located in the envelope by one streaming pass,
     * and copied. A string is already the JSON string literal Pusher wants; any other value becomes one by
     * escaping its bytes (a backslash or quote gets a backslash, whitespace between tokens its escape).
     */
    static ByteBuf frame(String pusherChannel, String event, byte[] envelope) {
        DataSpan span = dataSpanOf(envelope);
        byte[] head = (("{\"event\":" + quoted(event) + ",\"channel\":" + quoted(pusherChannel) + ",\"data\":"))
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = (span.userId() == null ? "}" : ",\"user_id\":" + quoted(span.userId()) + "}")
                .getBytes(StandardCharsets.UTF_8);
        if (span.start() < 0) {
            byte[] empty = "\"{}\"".getBytes(StandardCharsets.US_ASCII);
            return EventFrames.textFrame(concat(head, empty, tail));
        }
        int dataLength = span.string() ? span.end() - span.start() : escapedLength(envelope, span) + 2;
        ByteBuf frame = EventFrames.textFrame(head.length + dataLength + tail.length);
        frame.writeBytes(head);
        if (span.string()) {
            frame.writeBytes(envelope, span.start(), span.end() - span.start());
        } else {
            frame.writeByte('"');
            writeEscaped(envelope, span, frame);
            frame.writeByte('"');
        }
        frame.writeBytes(tail);
        return frame;
    }

    /**
     * Where the envelope's {@code data} value lies ({@code start} -1 when it has none), whether it is a
     * string, and the {@code user_id} written before it.
     */
    record DataSpan(int start, int end, boolean string, String userId) {
    }

    static DataSpan dataSpanOf(byte[] envelope) {
        String userId = null;
        try (JsonParser parser = JSON.createParser(envelope)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new DataSpan(-1, -1, false, null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("user_id".equals(field) && value == JsonToken.VALUE_STRING) {
                    userId = parser.getText();
                } else if ("data".equals(field)) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    if (value.isStructStart()) {
                        parser.skipChildren();
                    } else {
                        parser.finishToken();
                    }
                    int end = (int) parser.currentLocation().getByteOffset();
                    return new DataSpan(start, end, value == JsonToken.VALUE_STRING, userId);
                } else {
                    parser.skipChildren();
                }
            }
            return new DataSpan(-1, -1, false, userId);
        } catch (IOException e) {
            return new DataSpan(-1, -1, false, null); // the stream check already refused anything unreadable
        }
    }

    private static int escapedLength(byte[] bytes, DataSpan span) {
        int length = 0;
        for (int i = span.start(); i < span.end(); i++) {
            length += escape(bytes[i]) == 0 ? 1 : 2;
        }
        return length;
    }

    private static void writeEscaped(byte[] bytes, DataSpan span, ByteBuf out) {
        for (int i = span.start(); i < span.end(); i++) {
            byte escaped = escape(bytes[i]);
            if (escaped == 0) {
                out.writeByte(bytes[i]);
            } else {
                out.writeByte('\\');
                out.writeByte(escaped);
            }
        }
    }

    /**
     * The letter after a backslash for a byte of JSON text outside a string literal, or 0 to copy it. Inside
     * the data's own strings every control character is escaped already, so only these can occur raw.
     */
    private static byte escape(byte b) {
        return switch (b) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
