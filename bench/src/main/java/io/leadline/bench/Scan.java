package io.leadline.bench;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;

/** Finds the envelope's {@code "ts":N} in received bytes without parsing them (also JSON-escaped: {@code \"ts\":N}). */
final class Scan {

    private Scan() {
    }

    /** The first {@code "ts":N} within bytes [from, to), or -1. */
    static long ts(Buffer b, int from, int to) {
        ByteBuf bytes = bytes(b);
        if (bytes.hasArray()) {
            int base = bytes.arrayOffset();
            return ts(bytes.array(), base + from, base + to);
        }
        return tsSlow(b, from, to);
    }

    /**
     * The Netty buffer under a Vert.x buffer (the same bytes, indexes as in the Buffer): Vert.x's own one
     * where it is a {@link BufferImpl} (read only here), else a duplicate. Reading its backing array directly
     * costs a fraction of {@link Buffer#getByte}, which checks bounds and the reference count on every byte.
     */
    @SuppressWarnings("deprecation")
    static ByteBuf bytes(Buffer b) {
        return b instanceof BufferImpl impl ? impl.byteBuf() : b.getByteBuf();
    }

    /** The first {@code "ts":N} (or {@code \"ts\":N}) within a[from, to), or -1. */
    static long ts(byte[] a, int from, int to) {
        for (int i = from + 1; i + 3 < to; i++) {
            if (a[i] != 't' || a[i + 1] != 's' || a[i - 1] != '"') {
                continue;
            }
            int j = i + 2;
            if (a[j] == '\\') {
                j++;
            }
            if (j >= to || a[j] != '"') {
                continue;
            }
            j++;
            if (j >= to || a[j] != ':') {
                continue;
            }
            j++;
            long value = 0;
            int digits = 0;
            while (j < to) {
                byte c = a[j];
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                j++;
                digits++;
            }
            if (digits > 0) {
                return value;
            }
        }
        return -1;
    }

    /** As {@link #ts(Buffer, int, int)} for a buffer without a backing array: reads a copy of the bytes. */
    static long tsSlow(Buffer b, int from, int to) {
        byte[] copy = b.getBytes(from, to);
        return ts(copy, 0, copy.length);
    }

    static boolean contains(Buffer b, String ascii) {
        return contains(b, 0, b.length(), ascii);
    }

    /** Whether {@code ascii} occurs within bytes [from, to). */
    static boolean contains(Buffer b, int from, int to, String ascii) {
        int n = ascii.length();
        outer:
        for (int i = from; i + n <= to; i++) {
            for (int k = 0; k < n; k++) {
                if (b.getByte(i + k) != ascii.charAt(k)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static boolean startsWith(Buffer b, String ascii) {
        if (b.length() < ascii.length()) {
            return false;
        }
        for (int k = 0; k < ascii.length(); k++) {
            if (b.getByte(k) != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
