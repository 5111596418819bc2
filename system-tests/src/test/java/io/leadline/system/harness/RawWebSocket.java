package io.leadline.system.harness;

import io.leadline.testing.WebSocketFrames;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A WebSocket client on a plain socket, for what no well-behaved client library sends: any opcode, RSV bits,
 * fragments in any order, control frames of any size, invalid UTF-8, a frame cut off in the middle, a socket
 * that never reads. Every frame is masked as a client's must be. RFC 6455 framing, nothing more: no
 * extensions are offered.
 *
 * <p>{@link #startReading(Consumer)} reads the server's frames on a daemon thread of its own; without it
 * nothing is read (a client that never reads).
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int CONTINUATION = WebSocketFrames.CONTINUATION;
    public static final int TEXT = WebSocketFrames.TEXT;
    public static final int BINARY = WebSocketFrames.BINARY;
    public static final int CLOSE = WebSocketFrames.CLOSE;
    public static final int PING = WebSocketFrames.PING;
    public static final int PONG = WebSocketFrames.PONG;
    /** What a reader reports when the connection ended without a close frame from the server. */
    public static final int NO_CLOSE_FRAME = WebSocketFrames.NO_CLOSE_FRAME;

    private static final AtomicInteger READERS = new AtomicInteger();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private volatile Thread reader;

    /** A frame from the server; a close frame's code is {@link #closeCode()}. */
    public record Frame(int opcode, boolean fin, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, 1005 when it has none. */
        public int closeCode() {
            return WebSocketFrames.closeCode(payload);
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        // every frame is its own write: Nagle's algorithm would hold each behind the previous one's delayed ACK
        socket.setTcpNoDelay(true);
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
        this.out = socket.getOutputStream();
    }

    /** A TCP connection to the service's port and nothing else: no upgrade request is sent. */
    public static RawWebSocket tcpOnly(URI uri) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 30_000);
        return new RawWebSocket(socket);
    }

    /**
     * Upgrades {@code uri} with {@code Authorization: Bearer <token>}. {@code receiveBuffer} (bytes, 0 for the
     * system's default) is set before connecting, so a client that never reads holds little in its own kernel.
     */
    public static RawWebSocket upgrade(URI uri, String token, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 30_000);
        socket.setSoTimeout(60_000);
        RawWebSocket client = new RawWebSocket(socket);
        client.out.write(WebSocketFrames.upgradeRequest(uri, Map.of("Authorization", "Bearer " + token),
                ThreadLocalRandom.current()));
        client.out.flush();
        String status = client.readLine();
        if (!status.startsWith("HTTP/1.1 101")) {
            client.close();
            throw new IOException("upgrade refused: " + status);
        }
        while (!client.readLine().isEmpty()) {
            // the 101's headers: nothing in them matters here
        }
        socket.setSoTimeout(0);
        return client;
    }

    private String readLine() throws IOException {
        return WebSocketFrames.readLine(in);
    }

    /**
     * One frame as a client writes it: FIN, RSV bits ({@code rsv} 0-7, RSV1 the highest), opcode, the length in
     * its shortest form, a mask from {@code random} and the masked payload.
     */
    public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, Random random) {
        return WebSocketFrames.encode(fin, rsv, opcode, payload, true, random);
    }

    /** Writes one frame ({@link #encode}). */
    public void send(boolean fin, int rsv, int opcode, byte[] payload, Random random) throws IOException {
        write(encode(fin, rsv, opcode, payload, random));
    }

    /** A complete text frame. */
    public void sendText(String text, Random random) throws IOException {
        send(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8), random);
    }

    /** Bytes as they are: a part of a frame, an HTTP request, anything. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame from the server, or null when the connection ended; blocks. */
    public Frame read() throws IOException {
        WebSocketFrames.WireFrame frame = WebSocketFrames.read(in, 16 * 1024 * 1024);
        return frame == null ? null : new Frame(frame.opcode(), frame.fin(), frame.payload());
    }

    /**
     * Reads every frame on a daemon thread and hands it to {@code frames}; at the end, when the connection
     * ended without a close frame, a CLOSE frame with {@link #NO_CLOSE_FRAME}. A close frame from the server is
     * answered, as a client does, and ends the reading.
     */
    public void startReading(Consumer<Frame> frames) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Frame frame = read();
                    if (frame == null) {
                        break;
                    }
                    frames.accept(frame);
                    if (frame.opcode() == CLOSE) {
                        try {
                            send(true, 0, CLOSE, frame.payload().length >= 2
                                    ? new byte[] {frame.payload()[0], frame.payload()[1]} : new byte[0],
                                    ThreadLocalRandom.current());
                        } catch (IOException alreadyClosed) {
                            // the server need not wait for the answer
                        }
                        return;
                    }
                }
            } catch (IOException ended) {
                // a reset: the same as an end without a close frame
            }
            frames.accept(new Frame(CLOSE, true, new byte[] {(byte) (NO_CLOSE_FRAME >>> 8), (byte) NO_CLOSE_FRAME}));
        }, "raw-ws-reader-" + READERS.incrementAndGet());
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    /** Whether the server ended the connection: a read that returns end of stream within {@code millis}. */
    public boolean endedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is asked
        }
    }
}
