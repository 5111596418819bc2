package io.leadline.notify.session;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared buffers of a run are exactly its frames back to back, or one frame of their payloads as lines. */
class FrameRunTest {

    private static final int UNBOUNDED = Integer.MAX_VALUE;

    @Test
    void aBatchIsOneTextFrameOfThePayloadsJoinedByNewlinesWhateverTheirHeaderSizes() {
        List<String> payloads = List.of(json(10), json(200), json(70_000), json(1));
        FrameRun run = runOf(payloads);

        ByteBuf lines = run.shared(true);
        assertThat(decode(lines)).containsExactly(String.join("\n", payloads));
        assertThat(run.shared(true)).as("built once per run").isSameAs(lines);
        run.release();
    }

    @Test
    void aBatchLargerThanTheBoundIsSeveralFramesOfWholeLinesEachWithinItUnlessOfOneEvent() {
        // payloads of 100, 200, 300, 5 000, 50 and 60 bytes under a bound of 400
        List<String> payloads = List.of(json(92), json(192), json(292), json(4_992), json(42), json(52));
        FrameRun run = new FrameRun("leads", 400);
        long seq = 1;
        for (String payload : payloads) {
            run.add(seq++, frame(payload), null, null);
        }

        List<String> frames = decode(run.shared(true));
        assertThat(frames).containsExactly(payloads.get(0) + "\n" + payloads.get(1), payloads.get(2), payloads.get(3),
                payloads.get(4) + "\n" + payloads.get(5));
        assertThat(run.batchFrames()).isEqualTo(4);
        assertThat(String.join("\n", frames)).isEqualTo(String.join("\n", payloads));
        assertThat(decode(run.shared(false))).as("single frames unchanged").containsExactlyElementsOf(payloads);
        run.release();
    }

    @Test
    void withoutBatchesTheRunIsItsFramesBackToBack() {
        List<String> payloads = List.of(json(5), json(130), json(3));
        FrameRun run = runOf(payloads);

        assertThat(decode(run.shared(false))).containsExactlyElementsOf(payloads);
        run.release();
    }

    @Test
    void aRunOfOneEventIsThatEventsFrameForEveryClient() {
        FrameRun run = runOf(List.of(json(20)));
        assertThat(run.shared(true)).isSameAs(run.frame(0)).isSameAs(run.shared(false));
        run.release();
    }

    @Test
    void releasingTheRunFreesEveryFrameAndSharedBuffer() {
        List<ByteBuf> frames = new ArrayList<>();
        FrameRun run = new FrameRun("leads", UNBOUNDED);
        for (int i = 0; i < 3; i++) {
            ByteBuf frame = frame(json(40 + i));
            frames.add(frame);
            run.add(i + 1, frame, null, null);
        }
        ByteBuf lines = run.shared(true).retain();
        ByteBuf backToBack = run.shared(false).retain();
        run.release();
        assertThat(frames).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
        assertThat(lines.refCnt()).isEqualTo(1);
        assertThat(backToBack.refCnt()).isEqualTo(1);
        lines.release();
        backToBack.release();
    }

    @Test
    void anEventForAnotherSocketMakesTheRunNeedALookPerEvent() {
        FrameRun run = new FrameRun("payments.monitor", UNBOUNDED);
        run.add(1, frame(json(3)), null, null);
        assertThat(run.excludes("1.2")).isFalse();
        run.add(2, frame(json(3)), "fraud", "1.2");
        assertThat(run.kind(1)).isEqualTo("fraud");
        assertThat(run.excludes("1.2")).isTrue();
        assertThat(run.excludes("3.4")).isFalse();
        assertThat(run.excludes(null)).isFalse();
        assertThat(run.firstSeq()).isEqualTo(1);
        assertThat(run.lastSeq()).isEqualTo(2);
        run.release();
    }

    private static FrameRun runOf(List<String> payloads) {
        FrameRun run = new FrameRun("leads", UNBOUNDED);
        long seq = 100;
        for (String payload : payloads) {
            run.add(seq++, frame(payload), null, null);
        }
        return run;
    }

    private static ByteBuf frame(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return TextFrames.withRoomFor(bytes.length).writeBytes(bytes);
    }

    private static String json(int size) {
        return "{\"d\":\"" + "x".repeat(size) + "\"}";
    }

    /** The payloads of the complete, unmasked text frames in {@code buffer}, read without moving its index. */
    private static List<String> decode(ByteBuf buffer) {
        List<String> payloads = new ArrayList<>();
        int at = buffer.readerIndex();
        while (at < buffer.writerIndex()) {
            assertThat(buffer.getByte(at) & 0xff).as("FIN text").isEqualTo(0x81);
            int length = buffer.getByte(at + 1) & 0x7f;
            int header = 2;
            long payload = length;
            if (length == 126) {
                payload = buffer.getUnsignedShort(at + 2);
                header = 4;
            } else if (length == 127) {
                payload = buffer.getLong(at + 2);
                header = 10;
            }
            payloads.add(buffer.toString(at + header, (int) payload, StandardCharsets.UTF_8));
            at += header + (int) payload;
        }
        return payloads;
    }
}
