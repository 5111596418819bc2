package io.leadline.notify.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.util.Arrays;
import java.util.Objects;

/**
 * Consecutive live events of one subscription key that one event loop writes in one go, in stream
 * order, each as its own pre-encoded frame.
 *
 * <p>A subscriber that takes every event of the run is written one buffer shared by all such
 * subscribers on the loop, built at most once per run and kind of client: the frames back to back for
 * a client that reads one event per frame, or a single text frame of the events' payloads joined by
 * {@code \n} for a client that asked for batches. Confined to its event loop; {@link #release} frees
 * the frames and the shared buffers once every subscriber has been written.
 *
 * <p>A batch frame holds at most {@code maxBatchBytes} of payload, or a single event: the events of a
 * longer run go out as several batch frames back to back, each of whole lines. A client that takes the
 * largest event frame ({@code leadline.gateway.max-event-bytes}) thus takes every batch frame, however
 * many large events a publisher puts in one run.
 */
public final class FrameRun {

    private static final byte NEWLINE = '\n';

    private final String key;
    private final int maxBatchBytes;
    private long[] seqs = new long[4];
    private ByteBuf[] frames = new ByteBuf[4];
    private String[] kinds = new String[4];
    private String[] excluded = new String[4];
    private int size;
    private boolean anyExcluded;

    private ByteBuf backToBack;
    private ByteBuf lines;
    private int linesFrames;

    long delivered;
    long framesWritten;
    long bytesWritten;

    /** A run whose batch frames hold at most {@code maxBatchBytes} of payload each, unless of one event. */
    public FrameRun(String key, int maxBatchBytes) {
        this.key = key;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Takes over one reference to {@code frame}. */
    public void add(long seq, ByteBuf frame, String kind, String excludedSocket) {
        if (size == seqs.length) {
            int grown = size * 2;
            seqs = Arrays.copyOf(seqs, grown);
            frames = Arrays.copyOf(frames, grown);
            kinds = Arrays.copyOf(kinds, grown);
            excluded = Arrays.copyOf(excluded, grown);
        }
        seqs[size] = seq;
        frames[size] = frame;
        kinds[size] = kind;
        excluded[size] = excludedSocket;
        anyExcluded |= excludedSocket != null;
        size++;
    }

    public String key() {
        return key;
    }

    public int size() {
        return size;
    }

    public long seq(int index) {
        return seqs[index];
    }

    public ByteBuf frame(int index) {
        return frames[index];
    }

    public String kind(int index) {
        return kinds[index];
    }

    public String excluded(int index) {
        return excluded[index];
    }

    /** Events delivered, frames and bytes written for this run since it was built. */
    public long delivered() {
        return delivered;
    }

    public long framesWritten() {
        return framesWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    long firstSeq() {
        return seqs[0];
    }

    long lastSeq() {
        return seqs[size - 1];
    }

    /** Whether some event of the run must not reach {@code socketId}. */
    boolean excludes(String socketId) {
        if (!anyExcluded || socketId == null) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (Objects.equals(excluded[i], socketId)) {
                return true;
            }
        }
        return false;
    }

    /** The whole run for one client, shared: back-to-back frames, or one frame of lines when {@code batched}. */
    ByteBuf shared(boolean batched) {
        if (size == 1) {
            return frames[0];
        }
        if (batched) {
            if (lines == null) {
                lines = joinedLines();
            }
            return lines;
        }
        if (backToBack == null) {
            backToBack = concatenated();
        }
        return backToBack;
    }

    private ByteBuf concatenated() {
        int total = 0;
        for (int i = 0; i < size; i++) {
            total += frames[i].readableBytes();
        }
        ByteBuf all = PooledByteBufAllocator.DEFAULT.directBuffer(total);
        for (int i = 0; i < size; i++) {
            all.writeBytes(frames[i], frames[i].readerIndex(), frames[i].readableBytes());
        }
        return all;
    }

    /** Text frames written by {@link #shared shared(true)}: 1, or more when the run's lines exceed the bound. */
    int batchFrames() {
        return size == 1 ? 1 : linesFrames;
    }

    /**
     * The payloads as lines, in as few text frames as the bound allows: a frame takes the next line while
     * its payload stays within {@code maxBatchBytes}; a line longer than that on its own is a frame alone.
     */
    private ByteBuf joinedLines() {
        int total = 0;
        int count = 0;
        for (int start = 0; start < size; ) {
            int end = endOfFrame(start);
            int payload = payloadOf(start, end);
            total += TextFrames.headerLength(payload) + payload;
            count++;
            start = end;
        }
        ByteBuf all = PooledByteBufAllocator.DEFAULT.directBuffer(total);
        for (int start = 0; start < size; ) {
            int end = endOfFrame(start);
            TextFrames.writeHeader(all, payloadOf(start, end));
            for (int i = start; i < end; i++) {
                if (i > start) {
                    all.writeByte(NEWLINE);
                }
                int offset = TextFrames.payloadOffset(frames[i]);
                all.writeBytes(frames[i], frames[i].readerIndex() + offset, frames[i].readableBytes() - offset);
            }
            start = end;
        }
        linesFrames = count;
        return all;
    }

    /** The end (exclusive) of the batch frame that starts with event {@code start}. */
    private int endOfFrame(int start) {
        long payload = lineLength(start);
        int end = start + 1;
        while (end < size && payload + 1 + lineLength(end) <= maxBatchBytes) {
            payload += 1 + lineLength(end);
            end++;
        }
        return end;
    }

    private int payloadOf(int start, int end) {
        int payload = end - start - 1;
        for (int i = start; i < end; i++) {
            payload += lineLength(i);
        }
        return payload;
    }

    private int lineLength(int index) {
        return frames[index].readableBytes() - TextFrames.payloadOffset(frames[index]);
    }

    public void release() {
        for (int i = 0; i < size; i++) {
            frames[i].release();
            frames[i] = null;
        }
        size = 0;
        if (backToBack != null) {
            backToBack.release();
            backToBack = null;
        }
        if (lines != null) {
            lines.release();
            lines = null;
        }
    }
}
