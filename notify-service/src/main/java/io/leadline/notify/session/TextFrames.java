package io.leadline.notify.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Complete, unmasked WebSocket text frames (header and payload) as the server writes them, so that a
 * frame built once can be written to any number of connections without a per-connection encoding.
 */
public final class TextFrames {

    private static final byte FIN_TEXT = (byte) 0x81;

    private TextFrames() {
    }

    /** A buffer holding the header of a text frame of {@code payload} bytes, with room for them (to be written). */
    public static ByteBuf withRoomFor(int payload) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(headerLength(payload) + payload);
        writeHeader(frame, payload);
        return frame;
    }

    /** Writes the header of a text frame of {@code payload} bytes into {@code into}. */
    static void writeHeader(ByteBuf into, int payload) {
        into.writeByte(FIN_TEXT);
        if (payload < 126) {
            into.writeByte(payload);
        } else if (payload < 65536) {
            into.writeByte(126);
            into.writeShort(payload);
        } else {
            into.writeByte(127);
            into.writeLong(payload);
        }
    }

    static int headerLength(int payload) {
        return payload < 126 ? 2 : payload < 65536 ? 4 : 10;
    }

    /** Where the payload of the complete frame in {@code frame} starts, relative to its reader index. */
    static int payloadOffset(ByteBuf frame) {
        int length = frame.getByte(frame.readerIndex() + 1) & 0x7f;
        return length < 126 ? 2 : length == 126 ? 4 : 10;
    }
}
