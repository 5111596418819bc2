package io.leadline.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Notify target counts every line of a batched frame, and today's one-object frames as before. */
class NotifyFramesTest {

    private Loader loader;
    private Target.Notify target;
    private Conn conn;
    private long now;

    @BeforeEach
    void setUp() {
        target = notify("--batch=1");
        loader = new Loader(target, 1, List.of("127.0.0.1"), 1);
        conn = new Conn(0);
        conn.state = Conn.READY;
        now = System.currentTimeMillis();
        loader.window(now - 60_000, now + 60_000);
    }

    @AfterEach
    void tearDown() {
        loader.close();
    }

    private static Target.Notify notify(String... argv) {
        String[] all = new String[argv.length + 1];
        all[0] = "--url=ws://127.0.0.1:9/ws";
        System.arraycopy(argv, 0, all, 1, argv.length);
        return new Target.Notify(Args.parse(all, 0).str("url", ""), Args.parse(all, 0));
    }

    /** An event as the gateway writes it on /ws today: {"seq":N, then the envelope. */
    private static String event(long seq, long ts) {
        return "{\"seq\":" + seq + "," + Payload.text(Payload.newId(), ts, seq).substring(1);
    }

    private static String batch(List<String> lines) {
        return String.join("\n", lines);
    }

    @Test
    void upgradeAsksForBatchByDefaultAndNotWithBatch0() {
        assertEquals("/ws?batch=1", target.uri);
        assertEquals("/ws", notify("--batch=0").uri);
        assertEquals("notify", target.name);
        Target.Notify single = new Target.Notify("ws://127.0.0.1:9/ws?x=1", Args.parse(new String[0], 0), "notify-single", false);
        assertEquals("/ws?x=1", single.uri);
        assertEquals("notify-single", single.name);
        assertEquals("/ws?x=1&batch=1", Target.Notify.withBatch("/ws?x=1"));
    }

    @Test
    void todaysSingleObjectFramesCountOneEach() {
        for (int i = 0; i < 5; i++) {
            target.onFrame(conn, WebSocketFrame.textFrame(event(i, now - 10), true));
        }
        assertEquals(5, loader.delivered.sum());
        assertEquals(5, loader.histogram().getTotalCount());
    }

    @Test
    void everyLineOfABatchedFrameIsOneDelivery() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lines.add(event(i, now - i));
        }
        target.onFrame(conn, WebSocketFrame.textFrame(batch(lines), true));
        target.onFrame(conn, WebSocketFrame.textFrame(event(99, now), true));
        assertEquals(51, loader.delivered.sum());
        // the oldest line's latency (49 ms plus the time since setUp), not the first line's
        long max = loader.histogram().getMaxValue();
        assertTrue(max >= 49 && max < 49 + 5_000, "max " + max);
    }

    @Test
    void linesWithoutTsAndEventsOutsideTheWindowDoNotCount() {
        String frame = batch(List.of("{\"type\":\"pong\"}", event(1, now), event(2, now - 3_600_000), "{\"type\":\"ack\"}", event(3, now)));
        target.onFrame(conn, WebSocketFrame.textFrame(frame, true));
        assertEquals(2, loader.delivered.sum());
        assertEquals(1, loader.outside.sum());
    }

    @Test
    void aFragmentedMessageIsReadWhole() {
        String frame = batch(List.of(event(1, now), event(2, now), event(3, now)));
        int cut = frame.indexOf("\"ts\":", frame.indexOf('\n')) + 3; // inside the second line's ts
        target.onFrame(conn, WebSocketFrame.textFrame(frame.substring(0, cut), false));
        assertEquals(0, loader.delivered.sum());
        target.onFrame(conn, WebSocketFrame.continuationFrame(Buffer.buffer(frame.substring(cut)), true));
        assertEquals(3, loader.delivered.sum());
        target.onFrame(conn, WebSocketFrame.textFrame(event(4, now), true));
        assertEquals(4, loader.delivered.sum());
    }

    @Test
    void theSubscribedReplyAndEventsInOneFrame() {
        conn.state = Conn.CONNECTED;
        String frame = batch(List.of("{\"type\":\"subscribed\",\"channel\":\"leads\"}", event(1, now), event(2, now)));
        target.onFrame(conn, WebSocketFrame.textFrame(frame, true));
        assertEquals(Conn.READY, conn.state);
        assertEquals(2, loader.delivered.sum());
    }

    @Test
    void aBatchInADirectBufferCountsTheSame() {
        byte[] bytes = batch(List.of(event(1, now), "{\"type\":\"pong\"}", event(2, now), event(3, now)))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        target.onData(conn, Buffer.buffer(io.netty.buffer.Unpooled.directBuffer(bytes.length).writeBytes(bytes)));
        assertEquals(3, loader.delivered.sum());
    }

    @Test
    void withoutBatchAFrameIsOneObject() {
        Target.Notify single = notify("--batch=0");
        Loader other = new Loader(single, 1, List.of("127.0.0.1"), 1);
        try {
            other.window(now - 60_000, now + 60_000);
            single.onFrame(conn, WebSocketFrame.textFrame(event(1, now), true));
            assertEquals(1, other.delivered.sum());
        } finally {
            other.close();
        }
    }
}
