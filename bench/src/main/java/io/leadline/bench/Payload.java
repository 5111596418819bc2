package io.leadline.bench;

import com.github.f4b6a3.ulid.UlidCreator;

import java.nio.charset.StandardCharsets;

/**
 * The event every server carries: a leadline envelope as io.leadline.shared.event.EventEnvelope and
 * JsonCodec write it ({@code {"id","type","channel","ts","data"}}, snake_case), with a LeadCreated-like
 * data object of exactly {@value #DATA_BYTES} bytes. {@code ts} is the creation time in epoch
 * milliseconds; receivers subtract it from their receipt time. The peers get the same text.
 */
final class Payload {

    static final int DATA_BYTES = 100;
    private static final String DATA_HEAD = "{\"id\":\"L%08d\",\"title\":\"";
    private static final String DATA_TAIL = "\",\"category\":\"plumbing\",\"city\":\"Austin\",\"state\":\"TX\",\"price\":120}";

    /** The event name of the Pusher target's application events (no platform event type, so owner notify may publish it). */
    static final String PUSHER_EVENT = "bench-event";
    private static final String TS_DATA_HEAD = "{\"ts\":%d,\"id\":\"L%08d\",\"title\":\"";

    private Payload() {
    }

    static String newId() {
        return UlidCreator.getMonotonicUlid().toString();
    }

    static byte[] envelope(String id, long ts, long n) {
        return text(id, ts, n).getBytes(StandardCharsets.UTF_8);
    }

    static String text(String id, long ts, long n) {
        return "{\"id\":\"" + id + "\",\"type\":\"lead_created\",\"channel\":\"leads\",\"ts\":" + ts
                + ",\"data\":" + data(n) + "}";
    }

    /**
     * The Pusher target's event: an application event as notify publishes it on {@code ch.notify.<channel>}
     * ({@code {"id","type","channel","ts","data"}}). A Pusher frame carries only the data, so the data
     * carries {@code ts} too: the same fields with {@code "ts":<ms>} first, padded like {@link #data} but with
     * no room left for a title, so 111 bytes rather than {@value #DATA_BYTES} (the envelope is 211 bytes).
     * Sent to a Pusher socket as a JSON string, {@code {"event":"bench-event","channel":"bench","data":"…"}},
     * the frame is about 186 bytes of payload; the same event on {@code /ws} is about 212 ({@code {"seq":N,}
     * + the 202-byte envelope).
     */
    static byte[] pusherEnvelope(String id, long ts, long n, String channel) {
        return ("{\"id\":\"" + id + "\",\"type\":\"" + PUSHER_EVENT + "\",\"channel\":\"" + channel + "\",\"ts\":" + ts
                + ",\"data\":" + dataWithTs(ts, n) + "}").getBytes(StandardCharsets.UTF_8);
    }

    static String dataWithTs(long ts, long n) {
        return pad(String.format(TS_DATA_HEAD, ts, n % 100_000_000L));
    }

    static String data(long n) {
        return pad(String.format(DATA_HEAD, n % 100_000_000L));
    }

    private static String pad(String head) {
        int titleLength = DATA_BYTES - head.length() - DATA_TAIL.length();
        StringBuilder title = new StringBuilder("Leaking kitchen sink, urgent");
        while (title.length() < titleLength) {
            title.append('.');
        }
        title.setLength(Math.max(0, titleLength));
        return head + title + DATA_TAIL;
    }
}
