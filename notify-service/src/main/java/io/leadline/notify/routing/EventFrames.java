package io.leadline.notify.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Client frames for events. The envelope published by a service is already the frame's body; the
 * gateway only adds the stream sequence in front: {@code {"seq":42,} + envelope without its opening
 * brace}. No parsing, one copy, and the resulting buffer is shared by every subscriber.
 */
public final class EventFrames {

    private EventFrames() {
    }

    public static ByteBuf encode(long seq, byte[] envelope) {
        byte[] prefix = ("{\"seq\":" + seq + ",").getBytes(StandardCharsets.US_ASCII);
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(prefix.length + envelope.length - 1);
        frame.writeBytes(prefix);
        frame.writeBytes(envelope, 1, envelope.length - 1);
        return frame;
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

    private static final byte[] TYPE_KEY = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
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
