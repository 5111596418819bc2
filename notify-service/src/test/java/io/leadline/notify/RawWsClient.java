package io.leadline.notify;

import io.leadline.testing.WebSocketFrames;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
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

    public static final int CONTINUATION = WebSocketFrames.CONTINUATION;
    public static final int TEXT = WebSocketFrames.TEXT;
    public static final int BINARY = WebSocketFrames.BINARY;
    public static final int CLOSE = WebSocketFrames.CLOSE;
    public static final int PING = WebSocketFrames.PING;
    /** What {@link #awaitClose} answers when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = WebSocketFrames.NO_CLOSE_FRAME;

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
            return WebSocketFrames.closeCode(payload);
        }
    }

    private RawWsClient(URI uri, String authorization, String extensions) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        Map<String, String> headers = new LinkedHashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        if (extensions != null) {
            headers.put("Sec-WebSocket-Extensions", extensions);
        }
        out.write(WebSocketFrames.upgradeRequest(uri, headers, RANDOM));
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
        return WebSocketFrames.readLine(in);
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
        out.write(WebSocketFrames.encode(fin, rsv1 ? 4 : 0, opcode, payload, masked, RANDOM));
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
            WebSocketFrames.WireFrame frame = WebSocketFrames.read(in, Integer.MAX_VALUE);
            if (frame == null) {
                return null;
            }
            return new Frame(frame.opcode(), frame.rsv1() ? inflate(frame.payload()) : frame.payload(), frame.rsv1());
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
