package io.leadline.bench;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The array scan finds what the per-byte scan finds, in heap and direct buffers, plain and JSON-escaped. */
class ScanTest {

    private static final String[] TEXTS = {
        "{\"seq\":7," + Payload.text("01J0000000000000000000000", 1_733_200_000_123L, 7).substring(1),
        "{\"event\":\"bench-event\",\"channel\":\"bench\",\"data\":\"{\\\"ts\\\":1733200000456,\\\"id\\\":\\\"L1\\\"}\"}",
        "42[\"msg\",\"{\\\"ts\\\":1733200000789}\"]",
        "{\"type\":\"pong\",\"tsx\":5,\"its\":6}",
        "{\"ts\":}",
        "\"ts\":1",
        "",
    };

    @Test
    void arrayAndPerByteScansAgree() {
        for (String text : TEXTS) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            Buffer heap = Buffer.buffer(text);
            Buffer direct = Buffer.buffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
            for (int from = 0; from <= bytes.length; from += Math.max(1, bytes.length / 7)) {
                for (int to = from; to <= bytes.length; to += Math.max(1, bytes.length / 5)) {
                    long expected = Scan.tsSlow(heap, from, to);
                    assertEquals(expected, Scan.ts(heap, from, to), text + " [" + from + "," + to + ")");
                    assertEquals(expected, Scan.ts(direct, from, to), text + " direct [" + from + "," + to + ")");
                }
            }
        }
        assertEquals(1_733_200_000_123L, Scan.ts(Buffer.buffer(TEXTS[0]), 0, TEXTS[0].length()));
        assertEquals(1_733_200_000_456L, Scan.ts(Buffer.buffer(TEXTS[1]), 0, TEXTS[1].length()));
        assertEquals(-1, Scan.ts(Buffer.buffer(TEXTS[3]), 0, TEXTS[3].length()));
    }

    @Test
    void aSliceOfALargerArrayReadsFromItsOffset() {
        byte[] big = ("xxxxxxxx" + TEXTS[0]).getBytes(StandardCharsets.UTF_8);
        Buffer slice = Buffer.buffer(Unpooled.wrappedBuffer(big, 8, big.length - 8));
        assertEquals(1_733_200_000_123L, Scan.ts(slice, 0, slice.length()));
    }
}
