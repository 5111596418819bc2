package io.leadline.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/** One loader connection; touched only on its event loop once open. */
final class Conn {

    static final int NEW = 0;
    static final int OPEN = 1;
    static final int CONNECTED = 2;
    static final int READY = 3;
    static final int CLOSED = 4;

    final int index;
    WebSocket ws;
    int state = NEW;
    long startedNanos;
    /** Unparsed tail of a NATS protocol stream (nats-ws), or the first frames of a fragmented message (notify). */
    Buffer pending;

    Conn(int index) {
        this.index = index;
    }
}
