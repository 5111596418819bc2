package io.leadline.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.netty.buffer.ByteBuf;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A server under test: how to connect and subscribe, how to read a delivery's {@code ts}, and how to
 * publish to it. notify-service is the leadline gateway; the others are ../shared/peers.
 */
abstract class Target {

    final String name;
    final String host;
    final int port;
    final String uri;
    Loader loader;

    Target(String name, String url) {
        this.name = name;
        URI u = URI.create(url);
        this.host = u.getHost();
        this.port = u.getPort();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        this.uri = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }

    static Target of(Args args) throws Exception {
        String name = args.required("target");
        return switch (name) {
            case "notify" -> new Notify(args.str("url", "ws://127.0.0.1:8080/ws"), args);
            case "notify-single" -> new Notify(args.str("url", "ws://127.0.0.1:8080/ws"), args, "notify-single", false);
            case "pusher" -> new Pusher(args.str("url", "ws://127.0.0.1:8080/app/" + args.str("pusher-key", "bench-key")
                    + "?protocol=7&client=bench&version=1"), args);
            case "nats-ws" -> new NatsWs(args.str("url", "ws://127.0.0.1:8003/"), args);
            case "node-ws" -> new Plain("node-ws", args.str("url", "ws://127.0.0.1:8005/"),
                    args.str("publish-url", "http://127.0.0.1:8005/publish"));
            case "socketio" -> new SocketIo(args.str("url", "ws://127.0.0.1:8004/socket.io/?EIO=4&transport=websocket"),
                    args.str("publish-url", "http://127.0.0.1:8004/publish"));
            case "fastapi" -> new Plain("fastapi", args.str("url", "ws://127.0.0.1:8002/ws"),
                    args.str("publish-url", "http://127.0.0.1:8002/publish"));
            default -> throw new IllegalArgumentException("unknown --target " + name
                    + " (notify, notify-single, pusher, nats-ws, node-ws, socketio, fastapi)");
        };
    }

    /** Tokens and the like, before connecting {@code count} connections. */
    void prepare(Args args, int count) throws Exception {
    }

    void headers(WebSocketConnectOptions options, Conn conn) {
    }

    /** The upgrade succeeded. */
    abstract void onOpen(Conn conn);

    /** A data frame (text, binary or continuation). */
    abstract void onData(Conn conn, Buffer data);

    /** A data frame with its framing: by default its payload to {@link #onData}, frame by frame. */
    void onFrame(Conn conn, WebSocketFrame frame) {
        onData(conn, frame.binaryData());
    }

    abstract Publisher publisher(Vertx vertx, Args args) throws Exception;

    // ---- notify-service -------------------------------------------------------------------------

    /**
     * The gateway's {@code /ws}: JWT on the upgrade, {@code connected}, then {@code subscribe} →
     * {@code subscribed}. With {@code --batch=1} (the default of target {@code notify}) the upgrade asks for
     * {@code batch=1}: a text frame may then hold several events (or replies), one JSON object per line,
     * lines separated by a single {@code \n}, no trailing newline; a frame of one event is the plain object,
     * so frames of a server that ignores the parameter read the same. Each line counts as one delivery,
     * its latency from the line's {@code "ts":}. Target {@code notify-single} (or {@code --batch=0}) asks for
     * no batching and reads each frame as one object, as before.
     */
    static final class Notify extends Target {
        private static final Buffer SUBSCRIBE = Buffer.buffer("{\"type\":\"subscribe\",\"channel\":\"leads\"}");
        private final String channel;
        final boolean batch;
        private List<String> tokens;

        Notify(String url, Args args) {
            this(url, args, "notify", args.integer("batch", 1) == 1);
        }

        Notify(String url, Args args, String name, boolean batch) {
            super(args.str("label", name), batch ? withBatch(url) : url);
            this.channel = args.str("channel", "leads");
            this.batch = batch;
        }

        static String withBatch(String url) {
            return url + (url.indexOf('?') < 0 ? "?" : "&") + "batch=1";
        }

        @Override
        void prepare(Args args, int count) throws Exception {
            long t0 = System.nanoTime();
            tokens = Tokens.load(args, count);
            System.out.printf("tokens: %d ready in %.1f s, upgrade URI %s%n", tokens.size(), (System.nanoTime() - t0) / 1e9, uri);
        }

        @Override
        void headers(WebSocketConnectOptions options, Conn conn) {
            // the gateway takes no token in the URL (only single-use tickets): the header, as mobile clients send it
            options.addHeader("Authorization", "Bearer " + tokens.get(conn.index));
        }

        @Override
        void onOpen(Conn conn) {
            loader.opened(conn);
        }

        @Override
        void onFrame(Conn conn, WebSocketFrame frame) {
            Buffer data = frame.binaryData();
            if (!frame.isFinal() || conn.pending != null) {
                // a message in several frames: a line may span two of them, so read the message whole
                conn.pending = conn.pending == null ? Buffer.buffer(data.length() * 2).appendBuffer(data)
                        : conn.pending.appendBuffer(data);
                if (!frame.isFinal()) {
                    return;
                }
                data = conn.pending;
                conn.pending = null;
            }
            onData(conn, data);
        }

        /** One whole message: with batch, every {@code \n}-separated line is one object; without, the frame is one. */
        @Override
        void onData(Conn conn, Buffer data) {
            int len = data.length();
            ByteBuf bytes = Scan.bytes(data);
            byte[] array = bytes.hasArray() ? bytes.array() : null;
            int base = array == null ? 0 : bytes.arrayOffset();
            int pos = 0;
            while (pos < len) {
                int eol = len;
                if (batch) {
                    eol = bytes.indexOf(pos, len, (byte) '\n'); // Netty's indexOf reads 8 bytes at a time
                    if (eol < 0) {
                        eol = len;
                    }
                }
                if (conn.state == Conn.READY) {
                    // stops at the envelope's "ts", about 80 bytes into the line
                    long ts = array != null ? Scan.ts(array, base + pos, base + eol) : Scan.tsSlow(data, pos, eol);
                    if (ts > 0) {
                        loader.delivery(ts);
                    }
                } else {
                    reply(conn, data, pos, eol);
                }
                pos = eol + 1;
            }
        }

        private void reply(Conn conn, Buffer data, int from, int to) {
            if (Scan.contains(data, from, to, "\"type\":\"connected\"")) {
                loader.connected(conn);
                conn.ws.writeTextMessage(SUBSCRIBE.toString());
            } else if (Scan.contains(data, from, to, "\"type\":\"subscribed\"")) {
                loader.ready(conn);
            } else if (Scan.contains(data, from, to, "\"type\":\"error\"")) {
                loader.protocolError(conn, data.getString(from, to, "UTF-8"));
            }
        }

        @Override
        Publisher publisher(Vertx vertx, Args args) throws Exception {
            return new Publishers.JetStreamPublisher(args.str("nats-url", "nats://127.0.0.1:4222"),
                    "ch.leads." + channel); // lead_created events, published as leads-service publishes them
        }
    }

    // ---- notify-service's Pusher protocol 7 endpoint (/app/{key}), same process, same router -------------

    /**
     * A pusher-js-like client on a public channel: {@code pusher:connection_established}, then
     * {@code pusher:subscribe} → {@code pusher_internal:subscription_succeeded}. Deliveries are frames of
     * event {@link Payload#PUSHER_EVENT}; their {@code data} is a JSON string, so the {@code ts} the
     * publisher put into the event's data arrives escaped ({@code \"ts\":N}), which {@link Scan#ts} reads.
     */
    static final class Pusher extends Target {
        private static final String DELIVERY = "{\"event\":\"" + Payload.PUSHER_EVENT + "\"";
        private static final String PONG = "{\"event\":\"pusher:pong\",\"data\":{}}";
        private final String channel;
        private final String subscribe;

        Pusher(String url, Args args) {
            super("pusher", url);
            this.channel = args.str("channel", "bench");
            this.subscribe = "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}";
        }

        @Override
        void onOpen(Conn conn) {
            loader.opened(conn);
        }

        @Override
        void onData(Conn conn, Buffer data) {
            if (Scan.startsWith(data, DELIVERY)) {
                if (conn.state == Conn.READY) {
                    long ts = Scan.ts(data, DELIVERY.length(), data.length());
                    if (ts > 0) {
                        loader.delivery(ts);
                    }
                }
                return;
            }
            if (Scan.contains(data, "\"pusher:connection_established\"")) {
                loader.connected(conn);
                conn.ws.writeTextMessage(subscribe);
            } else if (Scan.contains(data, "\"pusher_internal:subscription_succeeded\"")) {
                loader.ready(conn);
            } else if (Scan.contains(data, "\"pusher:ping\"")) {
                conn.ws.writeTextMessage(PONG);
            } else if (Scan.contains(data, "\"pusher:error\"") || Scan.contains(data, "\"pusher:subscription_error\"")) {
                loader.protocolError(conn, data.toString());
            }
        }

        @Override
        Publisher publisher(Vertx vertx, Args args) throws Exception {
            // an application event on a public channel as notify publishes it (Pusher HTTP API): owner notify
            return new Publishers.JetStreamPublisher(args.str("nats-url", "nats://127.0.0.1:4222"),
                    "ch.notify." + channel, (id, ts, n) -> Payload.pusherEnvelope(id, ts, n, channel));
        }
    }

    // ---- NATS' own WebSocket listener: the NATS client protocol over WebSocket ---------------------

    static final class NatsWs extends Target {
        private static final Buffer HELLO = Buffer.buffer(
                "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\nSUB bench 1\r\nPING\r\n");
        private static final Buffer PONG = Buffer.buffer("PONG\r\n");
        private final String subject;

        NatsWs(String url, Args args) {
            super("nats-ws", url);
            this.subject = args.str("subject", "bench");
        }

        @Override
        void onOpen(Conn conn) {
            loader.opened(conn);
            loader.connected(conn);
            conn.ws.writeBinaryMessage(HELLO);
        }

        @Override
        void onData(Conn conn, Buffer data) {
            Buffer buf = data;
            if (conn.pending != null) {
                buf = conn.pending.appendBuffer(data);
                conn.pending = null;
            }
            int pos = 0;
            int len = buf.length();
            while (pos < len) {
                int eol = indexOfCrlf(buf, pos, len);
                if (eol < 0) {
                    break;
                }
                byte c0 = buf.getByte(pos);
                if (c0 == 'M' && eol - pos > 4 && buf.getByte(pos + 1) == 'S' && buf.getByte(pos + 2) == 'G') {
                    // MSG <subject> <sid> [reply-to] <#bytes>
                    int size = 0;
                    int k = eol - 1;
                    int mul = 1;
                    while (k > pos && buf.getByte(k) >= '0' && buf.getByte(k) <= '9') {
                        size += (buf.getByte(k) - '0') * mul;
                        mul *= 10;
                        k--;
                    }
                    int start = eol + 2;
                    if (start + size + 2 > len) {
                        break; // payload not complete yet
                    }
                    long ts = Scan.ts(buf, start, start + size);
                    if (ts > 0 && conn.state == Conn.READY) {
                        loader.delivery(ts);
                    }
                    pos = start + size + 2;
                    continue;
                }
                if (c0 == 'P' && eol - pos == 4) {
                    if (buf.getByte(pos + 1) == 'I') {
                        conn.ws.writeBinaryMessage(PONG); // PING
                    } else if (conn.state < Conn.READY) {
                        loader.ready(conn); // PONG to our PING: the SUB is in place
                    }
                } else if (c0 == '-') {
                    loader.protocolError(conn, buf.getString(pos, eol, "UTF-8"));
                }
                pos = eol + 2;
            }
            if (pos < len) {
                conn.pending = Buffer.buffer(len - pos).appendBuffer(buf, pos, len - pos);
            }
        }

        private static int indexOfCrlf(Buffer b, int from, int to) {
            for (int i = from; i + 1 < to; i++) {
                if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n') {
                    return i;
                }
            }
            return -1;
        }

        @Override
        Publisher publisher(Vertx vertx, Args args) throws Exception {
            return new Publishers.NatsCorePublisher(args.str("nats-url", "nats://127.0.0.1:4232"), subject);
        }
    }

    // ---- plain WebSocket broadcasters (node ws, FastAPI): no subscribe frame, HTTP publish ----------

    static final class Plain extends Target {
        private final String publishUrl;

        Plain(String name, String url, String publishUrl) {
            super(name, url);
            this.publishUrl = publishUrl;
        }

        @Override
        void onOpen(Conn conn) {
            loader.opened(conn);
            loader.connected(conn);
            loader.ready(conn);
        }

        @Override
        void onData(Conn conn, Buffer data) {
            long ts = Scan.ts(data, 0, data.length());
            if (ts > 0) {
                loader.delivery(ts);
            }
        }

        @Override
        Publisher publisher(Vertx vertx, Args args) {
            return new Publishers.HttpPublisher(vertx, publishUrl);
        }
    }

    // ---- Socket.IO 4 (Engine.IO 4) over a raw WebSocket ---------------------------------------------

    static final class SocketIo extends Target {
        private final String publishUrl;

        SocketIo(String url, String publishUrl) {
            super("socketio", url);
            this.publishUrl = publishUrl;
        }

        @Override
        void onOpen(Conn conn) {
            loader.opened(conn);
            loader.connected(conn);
        }

        @Override
        void onData(Conn conn, Buffer data) {
            if (data.length() == 0) {
                return;
            }
            byte c0 = data.getByte(0);
            if (c0 == '4' && data.length() > 1 && data.getByte(1) == '2') {
                long ts = Scan.ts(data, 2, data.length());
                if (ts > 0 && conn.state == Conn.READY) {
                    loader.delivery(ts);
                }
            } else if (c0 == '0') {
                conn.ws.writeTextMessage("40"); // Engine.IO open -> Socket.IO connect to namespace /
            } else if (c0 == '4' && data.length() > 1 && data.getByte(1) == '0') {
                loader.ready(conn);
            } else if (c0 == '2' && data.length() == 1) {
                conn.ws.writeTextMessage("3"); // ping -> pong
            }
        }

        @Override
        Publisher publisher(Vertx vertx, Args args) {
            return new Publishers.HttpPublisher(vertx, publishUrl);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
