package io.leadline.notify.routing;

import io.leadline.notify.session.TextFrames;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Wire frames for events, built once per event and shared by every subscriber.
 *
 * <p>The envelope a service published is already the frame's JSON: the gateway only puts the stream
 * sequence in front ({@code {"seq":42,} + the envelope without its opening brace}), with no parsing.
 * The result is a complete, unmasked WebSocket text frame (header and payload), so writing it to a
 * connection is a reference to the same bytes, not an encoding.
 */
public final class EventFrames {

    private static final byte[] TYPE_KEY = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TS_KEY = "\"ts\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SOCKET_ID_KEY = "\"socket_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_KEY = "\"data\":".getBytes(StandardCharsets.US_ASCII);

    private EventFrames() {
    }

    public static ByteBuf encode(long seq, byte[] envelope) {
        byte[] prefix = ("{\"seq\":" + seq + ",").getBytes(StandardCharsets.US_ASCII);
        ByteBuf frame = textFrame(prefix.length + envelope.length - 1);
        frame.writeBytes(prefix);
        frame.writeBytes(envelope, 1, envelope.length - 1);
        return frame;
    }

    /** A complete, unmasked WebSocket text frame of {@code payload} (UTF-8 JSON). */
    public static ByteBuf textFrame(byte[] payload) {
        return textFrame(payload.length).writeBytes(payload);
    }

    /** A buffer holding the header of a text frame of {@code payload} bytes, with room for them (to be written). */
    public static ByteBuf textFrame(int payload) {
        return TextFrames.withRoomFor(payload);
    }

    /**
     * The envelope with any raw line break replaced by a space. In valid JSON a raw CR or LF can only be
     * whitespace between tokens, so the meaning is unchanged, and an event always fits on one line of a
     * batch frame (newline-delimited). The same array when there is none, which is the rule.
     */
    public static byte[] onOneLine(byte[] envelope) {
        byte[] copy = null;
        for (int i = 0; i < envelope.length; i++) {
            byte b = envelope[i];
            if (b == '\n' || b == '\r') {
                if (copy == null) {
                    copy = envelope.clone();
                }
                copy[i] = ' ';
            }
        }
        return copy == null ? envelope : copy;
    }

    /** The {@code payments.monitor} filter kind of an event on that channel, else null (no filtering). */
    public static String monitorKindOf(String channel, byte[] envelope) {
        if (!Channels.PAYMENTS_MONITOR.equals(channel)) {
            return null;
        }
        EventType type = EventType.fromWireName(typeOf(envelope));
        return type == null ? null : type.monitorKind();
    }

    /** The envelope's creation time (epoch ms), read from its leading fields; 0 when absent. */
    public static long tsOf(byte[] envelope) {
        int at = indexOf(envelope, TS_KEY);
        if (at < 0) {
            return 0;
        }
        long ts = 0;
        for (int i = at + TS_KEY.length; i < envelope.length && envelope[i] >= '0' && envelope[i] <= '9'; i++) {
            ts = ts * 10 + (envelope[i] - '0');
        }
        return ts;
    }

    /**
     * The socket an application event must not be sent back to (the Pusher API's {@code socket_id}, or
     * the sender of a client event), or null. Only the envelope's leading fields are read: the key must
     * come before {@code data}, where a publisher's own JSON could contain the same text.
     */
    public static String excludedSocketOf(byte[] envelope) {
        int data = indexOf(envelope, DATA_KEY, envelope.length);
        int start = indexOf(envelope, SOCKET_ID_KEY, data < 0 ? envelope.length : data);
        if (start < 0) {
            return null;
        }
        start += SOCKET_ID_KEY.length;
        int end = start;
        while (end < envelope.length && envelope[end] != '"') {
            end++;
        }
        return new String(envelope, start, end - start, StandardCharsets.US_ASCII);
    }

    /** The wire type of an envelope, read from its leading fields without parsing the data. */
    public static String typeOf(byte[] envelope) {
        int start = indexOf(envelope, TYPE_KEY);
        if (start < 0) {
            return null;
        }
        start += TYPE_KEY.length;
        int end = start;
        while (end < envelope.length && envelope[end] != '"') {
            end++;
        }
        return new String(envelope, start, end - start, StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle, haystack.length);
    }

    /** The first occurrence of {@code needle} that ends at or before {@code limit}, or -1. */
    private static int indexOf(byte[] haystack, byte[] needle, int limit) {
        outer:
        for (int i = 0; i <= limit - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
