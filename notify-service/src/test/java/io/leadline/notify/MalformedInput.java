package io.leadline.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Generated input for the frame codecs' tests: random JSON shapes, text, bytes and mutations of valid frames. */
public final class MalformedInput {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MalformedInput() {
    }

    /** Any JSON value; objects take their field names from {@code names}, so a codec meets its own fields. */
    public static JsonNode randomJson(Random random, int depth, String... names) {
        int pick = depth > 3 ? random.nextInt(7) : random.nextInt(9);
        return switch (pick) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(random.nextInt(2000) - 1000);
            case 4 -> NODES.numberNode(random.nextDouble() * 1e6 - 5e5);
            case 5 -> NODES.numberNode(new BigInteger(100, random));
            case 6 -> NODES.textNode(randomText(random, 20));
            case 7 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomJson(random, depth + 1, names));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(names[random.nextInt(names.length)], randomJson(random, depth + 1, names));
                }
                yield object;
            }
        };
    }

    /** Letters mostly, then ASCII controls, JSON punctuation and code points up to U+10FFFF. */
    public static String randomText(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.appendCodePoint(kind < 7 ? 'a' + random.nextInt(26) : kind == 7 ? random.nextInt(0x80)
                    : kind == 8 ? "\"\\/{}[],:.".charAt(random.nextInt(10)) : 0x80 + random.nextInt(0x10FF00));
        }
        return text.toString();
    }

    /** Random bytes read as UTF-8 or Latin-1, sometimes after an opening brace. */
    public static String randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
            bytes[0] = '{';
        }
        return new String(bytes, random.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** One to three characters deleted, inserted or replaced. */
    public static String mutate(Random random, String text) {
        StringBuilder mutated = new StringBuilder(text);
        for (int i = 1 + random.nextInt(3); i > 0 && mutated.length() > 0; i--) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(3)) {
                case 0 -> mutated.deleteCharAt(at);
                case 1 -> mutated.insert(at, "{}[]\",:0-.enul\\x".charAt(random.nextInt(16)));
                default -> mutated.setCharAt(at, (char) random.nextInt(0x250));
            }
        }
        return mutated.toString();
    }
}
