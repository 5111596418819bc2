package io.leadline.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

/**
 * RFC 6455 framing as a client writes and reads it, byte by byte, for tests that must send what no WebSocket
 * library would: unmasked frames, reserved bits, bad fragment sequences, frames cut half way.
 */
public final class WebSocketFrames {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** The close code a client reports when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;

    private WebSocketFrames() {
    }

    /** A frame as it came from the server: its first byte (FIN, RSV bits, opcode) and its payload. */
    public record WireFrame(int firstByte, byte[] payload) {
        public int opcode() {
            return firstByte & 0x0f;
        }

        public boolean fin() {
            return (firstByte & 0x80) != 0;
        }

        /** RSV1: under permessage-deflate, a compressed message. */
        public boolean rsv1() {
            return (firstByte & 0x40) != 0;
        }
    }

    /**
     * The upgrade request for {@code uri} with a fresh {@code Sec-WebSocket-Key} and {@code headers} (name to
     * value) added as they are.
     */
    public static byte[] upgradeRequest(URI uri, Map<String, String> headers, Random random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One line of the server's HTTP answer, without its CR LF. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /**
     * One frame: FIN, RSV bits ({@code rsv} 0-7, RSV1 the highest), opcode, the length in its shortest form,
     * and, when {@code masked} (as a client must), a mask from {@code random} and the masked payload.
     */
    public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, Random random) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0x0f);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            random.nextBytes(mask);
            frame.write(mask, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /**
     * The next frame from the server, or null when the stream ended before it began; a frame longer than
     * {@code maxLength} bytes is refused (a broken server must not make the test allocate without bound).
     */
    public static WireFrame read(DataInputStream in, long maxLength) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length < 0 || length > maxLength) {
            throw new IOException("a frame of " + length + " bytes from the server");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new WireFrame(first, payload);
    }

    /** The status code of a close frame's payload, or 1005 when it has none. */
    public static int closeCode(byte[] payload) {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
}
