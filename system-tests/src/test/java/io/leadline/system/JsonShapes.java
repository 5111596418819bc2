package io.leadline.system;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Generated client frames of the Leadline protocol, valid and not: frames the server knows, with right and wrong
 * field types, unknown types, other JSON values than objects, deep nesting, huge numbers, long strings, escapes,
 * broken JSON. Every one fits in one message (under 64 KiB), so the server must answer it and keep the connection.
 */
final class JsonShapes {

    private static final String[] TYPES = {"subscribe", "unsubscribe", "ping", "refresh", "SUBSCRIBE", "", "pong",
            "connected", "error", "subscribe ", "__proto__", "constructor", "\u0000", "ping\u0000"};
    private static final String[] KEYS = {"type", "channel", "since", "id", "token", "filter", "kinds", "data", ""};

    private JsonShapes() {
    }

    /** Under the 64 KiB message limit with room to spare: a larger shape is a 1009, not a frame to answer. */
    private static final int MAX_BYTES = 60_000;

    static String any(Random random, String userId) {
        String json = shape(random, userId);
        return json.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES ? json : "{\"type\":\"ping\",\"id\":\"big\"}";
    }

    private static String shape(Random random, String userId) {
        return switch (random.nextInt(16)) {
            case 0 -> "{\"type\":\"ping\",\"id\":" + anyValue(random, 2) + "}";
            case 1 -> "{\"type\":\"subscribe\",\"channel\":" + channel(random, userId) + "}";
            case 2 -> "{\"type\":\"subscribe\",\"channel\":" + channel(random, userId) + ",\"since\":" + number(random) + "}";
            case 3 -> "{\"type\":\"unsubscribe\",\"channel\":" + channel(random, userId) + "}";
            case 4 -> "{\"type\":\"refresh\",\"token\":" + anyValue(random, 2) + "}";
            case 5 -> "{\"type\":\"subscribe\",\"channel\":\"payments.monitor\",\"filter\":" + anyValue(random, 3) + "}";
            case 6 -> "{\"type\":" + anyValue(random, 2) + "}";
            case 7 -> "{\"type\":" + quote(TYPES[random.nextInt(TYPES.length)]) + "}";
            case 8 -> object(random, 3);
            case 9 -> anyValue(random, 4);
            case 10 -> nested(random, 1 + random.nextInt(6_000));
            case 11 -> "{\"type\":\"subscribe\",\"channel\":\"user." + userId + "\",\"since\":" + hugeNumber(random, 20_000) + "}";
            case 12 -> "{\"type\":\"subscribe\",\"channel\":" + quote("leads".repeat(1 + random.nextInt(10_000))) + "}";
            case 13 -> broken(random);
            case 14 -> "{\"type\":\"ping\",\"type\":\"subscribe\",\"channel\":\"leads\",\"id\":\"dup\"}";
            default -> "{\"type\":\"subscribe\",\"channel\":\"escrow." + random.nextInt(1_000_000) + "\",\"id\":\"e\"}";
        };
    }

    private static String channel(Random random, String userId) {
        return switch (random.nextInt(10)) {
            case 0 -> quote("user." + userId);
            case 1 -> quote("user." + random.nextInt());
            case 2 -> quote("leads");
            case 3 -> quote("payments.monitor");
            case 4 -> quote("escrow." + random.nextLong());
            case 5 -> quote("escrow.-1");
            case 6 -> quote("user.");
            case 7 -> quote("ch.>");
            case 8 -> quote("../../" + random.nextInt());
            default -> anyValue(random, 2);
        };
    }

    private static String anyValue(Random random, int depth) {
        int kind = random.nextInt(depth <= 0 ? 5 : 7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> number(random);
            case 3 -> quote(string(random));
            case 4 -> hugeNumber(random, 400);
            case 5 -> object(random, depth - 1);
            default -> {
                StringBuilder array = new StringBuilder("[");
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    array.append(i == 0 ? "" : ",").append(anyValue(random, depth - 1));
                }
                yield array.append(']').toString();
            }
        };
    }

    private static String object(Random random, int depth) {
        StringBuilder object = new StringBuilder("{");
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            object.append(i == 0 ? "" : ",").append(quote(KEYS[random.nextInt(KEYS.length)])).append(':')
                    .append(anyValue(random, depth));
        }
        return object.append('}').toString();
    }

    private static String number(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "-1";
            case 1 -> "0";
            case 2 -> String.valueOf(random.nextLong());
            case 3 -> "1e400";
            case 4 -> "-0.0";
            case 5 -> "9223372036854775808";
            case 6 -> String.valueOf(random.nextDouble() * 1e20);
            default -> String.valueOf(random.nextInt(1_000));
        };
    }

    private static String hugeNumber(Random random, int maxDigits) {
        StringBuilder digits = new StringBuilder(random.nextBoolean() ? "-" : "");
        digits.append(1 + random.nextInt(9));
        int length = random.nextInt(maxDigits);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        if (random.nextBoolean()) {
            digits.append(".5e").append(random.nextInt(100_000));
        }
        return digits.toString();
    }

    private static String nested(Random random, int depth) {
        boolean arrays = random.nextBoolean();
        StringBuilder json = new StringBuilder(depth * 6);
        for (int i = 0; i < depth; i++) {
            json.append(arrays ? "[" : "{\"a\":");
        }
        json.append("1");
        for (int i = 0; i < depth; i++) {
            json.append(arrays ? ']' : '}');
        }
        return random.nextInt(3) == 0 ? "{\"type\":\"ping\",\"id\":" + json + "}" : json.toString();
    }

    private static String broken(Random random) {
        String[] broken = {"{", "}", "{\"type\":", "{\"type\":\"ping\"", "{'type':'ping'}", "{type:ping}", "[", "\"",
                "{\"type\":\"ping\"}}", "{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"\\ud800\"}",
                "{\"type\":\"\\u0000\"}", "{\"type\":\"\\x\"}", "NaN", "Infinity", "{\"type\":\"ping\",}", "\uFEFF{}",
                "{\"type\":\"ping\"}\n{\"type\":\"ping\"}", "/* */{\"type\":\"ping\"}", "{\"type\":nul}"};
        return broken[random.nextInt(broken.length)];
    }

    private static String string(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            text.append((char) (0x20 + random.nextInt(0x500)));
        }
        return text.toString();
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
