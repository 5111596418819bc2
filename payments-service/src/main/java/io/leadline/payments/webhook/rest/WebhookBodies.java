package io.leadline.payments.webhook.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a webhook body of at most {@code max} bytes. A declared Content-Length above it is refused
 * before a byte is read; a body without one (chunked) or longer than declared is refused as soon as
 * it passes the limit, so at most {@code max + 1} bytes are ever held.
 */
final class WebhookBodies {

    /** The body is larger than allowed. */
    static final class TooLarge extends Exception {

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private WebhookBodies() {
    }

    static byte[] read(String contentLength, InputStream in, long max) throws TooLarge {
        if (declared(contentLength) > max) {
            throw new TooLarge();
        }
        if (in == null) {
            return new byte[0];
        }
        try {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                throw new TooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook body", e);
        }
    }

    /** The declared length, -1 when absent or unreadable (then the limit is enforced while reading). */
    private static long declared(String contentLength) {
        if (contentLength == null || contentLength.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
