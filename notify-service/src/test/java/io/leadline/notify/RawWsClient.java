package io.leadline.notify;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A WebSocket client written on a plain socket, for frames no well-behaved client library sends: text that is
 * not UTF-8, binary frames, frames of any size in one piece, frames marked as compressed (RSV1). Frames are masked
 * as a client's must be. The upgrade may offer extensions ({@code Sec-WebSocket-Extensions}); should the server
 * accept permessage-deflate, its compressed frames are inflated on reading.
 */
public final class RawWsClient implements AutoCloseable {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    /** What {@link #awaitClose} answers when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The 101 response's headers, names in lower case. */
    private final Map<String, String> upgradeHeaders = new LinkedHashMap<>();
    private final Inflater inflater = new Inflater(true);

    /** A frame received: its opcode and payload (inflated when the server sent it compressed). */
    public record Frame(int opcode, byte[] payload, boolean compressed) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private RawWsClient(URI uri, String authorization, String extensions) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + status);
        }
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                upgradeHeaders.merge(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim(), (first, second) -> first + ", " + second);
            }
        }
    }

    public static RawWsClient withHeader(URI uri, String token) throws IOException {
        return new RawWsClient(uri, "Bearer " + token, null);
    }

    public static RawWsClient anonymous(URI uri) throws IOException {
        return new RawWsClient(uri, null, null);
    }

    /** A client whose upgrade offers {@code extensions} as its {@code Sec-WebSocket-Extensions} header. */
    public static RawWsClient withHeader(URI uri, String token, String extensions) throws IOException {
        return new RawWsClient(uri, "Bearer " + token, extensions);
    }

    /** An anonymous client whose upgrade offers {@code extensions}. */
    public static RawWsClient anonymous(URI uri, String extensions) throws IOException {
        return new RawWsClient(uri, null, extensions);
    }

    /** A header of the server's 101 response ({@code name} in any case), or null when it sent none. */
    public String upgradeHeader(String name) {
        return upgradeHeaders.get(name.toLowerCase(Locale.ROOT));
    }

    private String readLine() throws IOException {
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

    /** Sends one complete (FIN) frame, masked. */
    public void send(int opcode, byte[] payload) throws IOException {
        send(opcode, payload, true, false);
    }

    /** Sends one fragment of a message, masked: FIN only on the last. */
    public void sendFragment(int opcode, byte[] payload, boolean fin) throws IOException {
        send(opcode, payload, true, false, fin);
    }

    /** Sends one complete (FIN) frame without a mask, which only a server may do. */
    public void sendUnmasked(int opcode, byte[] payload) throws IOException {
        send(opcode, payload, false, false);
    }

    /**
     * Sends one complete (FIN) frame, masked, with RSV1 set: the mark of a compressed message under
     * permessage-deflate (RFC 7692). {@code deflated} is sent as it is: raw DEFLATE data, without the final
     * {@code 00 00 ff ff}.
     */
    public void sendCompressed(int opcode, byte[] deflated) throws IOException {
        send(opcode, deflated, true, true);
    }

    private void send(int opcode, byte[] payload, boolean masked, boolean rsv1) throws IOException {
        send(opcode, payload, masked, rsv1, true);
    }

    private void send(int opcode, byte[] payload, boolean masked, boolean rsv1, boolean fin) throws IOException {
        byte[] mask = new byte[4];
        if (masked) {
            RANDOM.nextBytes(mask);
        }
        int maskBit = masked ? 0x80 : 0;
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
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
        if (masked) {
            frame.write(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A compressed frame's payload inflated, with the context kept between frames as RFC 7692 has by default. */
    private byte[] inflate(byte[] deflated) throws IOException {
        inflater.setInput(concat(deflated, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
        ByteArrayOutputStream inflated = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            while (true) {
                int n = inflater.inflate(chunk);
                if (n > 0) {
                    inflated.write(chunk, 0, n);
                } else if (inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("a compressed frame that does not inflate", e);
        }
        return inflated.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    public void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the server, or null when the connection ended. */
    public Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
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
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            boolean compressed = (first & 0x40) != 0;
            return new Frame(first & 0x0f, compressed ? inflate(payload) : payload, compressed);
        } catch (EOFException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + timeout, e);
        } catch (IOException reset) {
            return null;
        }
    }

    /** The next text frame, skipping pings. */
    public String readText(Duration timeout) throws IOException {
        while (true) {
            Frame frame = read(timeout);
            if (frame == null) {
                throw new AssertionError("connection ended while a text frame was expected");
            }
            if (frame.opcode() == TEXT) {
                return frame.text();
            }
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("closed with " + frame.closeCode() + " while a text frame was expected");
            }
        }
    }

    /**
     * The close code of the server's close frame; {@link #NO_CLOSE_FRAME} when the connection ended without one.
     * Text frames before it are skipped. Answers the close frame, as a client does.
     */
    public int awaitClose(Duration timeout) throws IOException {
        while (true) {
            Frame frame = read(timeout);
            if (frame == null) {
                return NO_CLOSE_FRAME;
            }
            if (frame.opcode() == CLOSE) {
                try {
                    send(CLOSE, frame.payload().length >= 2 ? new byte[] {frame.payload()[0], frame.payload()[1]} : new byte[0]);
                } catch (IOException alreadyClosed) {
                    // the server need not wait for the answer
                }
                return frame.closeCode();
            }
        }
    }

    /**
     * The server's close frame as {@code "<code> <reason>"}, text frames and pings before it skipped; fails when the
     * connection ended without one. Answers the close frame, as a client does.
     */
    public String awaitCloseWithReason(Duration timeout) throws IOException {
        while (true) {
            Frame frame = read(timeout);
            if (frame == null) {
                throw new AssertionError("the connection ended without a close frame");
            }
            if (frame.opcode() == CLOSE) {
                try {
                    send(CLOSE, frame.payload().length >= 2 ? new byte[] {frame.payload()[0], frame.payload()[1]} : new byte[0]);
                } catch (IOException alreadyClosed) {
                    // the server need not wait for the answer
                }
                String reason = frame.payload().length > 2
                        ? new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8) : "";
                return frame.closeCode() + " " + reason;
            }
        }
    }

    /** Whether the server ended the TCP connection (after its close frame) within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (read(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) == null) {
                    return true;
                }
            } catch (AssertionError timedOut) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        socket.close();
    }
}
