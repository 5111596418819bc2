package io.leadline.bench;

import io.vertx.core.buffer.Buffer;

/** Finds the envelope's {@code "ts":N} in received bytes without parsing them (also JSON-escaped: {@code \"ts\":N}). */
final class Scan {

    private Scan() {
    }

    static long ts(Buffer b, int from, int to) {
        for (int i = Math.max(from + 1, 1); i + 3 < to; i++) {
            if (b.getByte(i) != 't' || b.getByte(i + 1) != 's' || b.getByte(i - 1) != '"') {
                continue;
            }
            int j = i + 2;
            if (b.getByte(j) == '\\') {
                j++;
            }
            if (j >= to || b.getByte(j) != '"') {
                continue;
            }
            j++;
            if (j >= to || b.getByte(j) != ':') {
                continue;
            }
            j++;
            long value = 0;
            int digits = 0;
            while (j < to) {
                byte c = b.getByte(j);
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
