package io.leadline.deploy.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A nats-server configuration file read into maps, lists and strings, as far as the checks need it:
 * {@code key: value}, {@code key = value} and {@code key value}, blocks in braces, lists in
 * brackets, quoted and bare strings (numbers and variables stay text), {@code #} and {@code //}
 * comments, and {@code include} (its file's entries join the block it appears in).
 */
final class NatsConf {

    private final String text;
    private final Function<String, String> includes;
    private int at;

    private NatsConf(String text, Function<String, String> includes) {
        this.text = text;
        this.includes = includes;
    }

    /** Parses a configuration; {@code includes} gives the text of an included path (null if there is none). */
    static Map<String, Object> parse(String text, Function<String, String> includes) {
        return new NatsConf(text, includes).block(false);
    }

    /** The block under a path of keys, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> block(Map<String, Object> conf, String... path) {
        Object current = conf;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current instanceof Map<?, ?> ? (Map<String, Object>) current : null;
    }

    static String string(Map<String, Object> block, String key) {
        return block != null && block.get(key) instanceof String s ? s : null;
    }

    static List<?> list(Map<String, Object> block, String key) {
        return block != null && block.get(key) instanceof List<?> l ? l : List.of();
    }

    private Map<String, Object> block(boolean braced) {
        Map<String, Object> entries = new LinkedHashMap<>();
        while (true) {
            skipSeparators();
            if (at >= text.length()) {
                if (braced) {
                    throw error("a block is not closed");
                }
                return entries;
            }
            if (text.charAt(at) == '}') {
                if (!braced) {
                    throw error("'}' without a block");
                }
                at++;
                return entries;
            }
            String key = key();
            skipBlanks();
            if (at < text.length() && (text.charAt(at) == ':' || text.charAt(at) == '=')) {
                at++;
            }
            if (key.equals("include")) {
                skipBlanks();
                String path = bare(false);
                String included = includes.apply(path);
                if (included == null) {
                    throw error("include " + path + " names nothing");
                }
                entries.putAll(parse(included, includes));
            } else {
                entries.put(key, value());
            }
        }
    }

    private List<Object> list() {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSeparators();
            if (at >= text.length()) {
                throw error("a list is not closed");
            }
            if (text.charAt(at) == ']') {
                at++;
                return items;
            }
            items.add(value());
        }
    }

    private Object value() {
        skipBlanks();
        if (at >= text.length()) {
            throw error("a value is missing");
        }
        char c = text.charAt(at);
        if (c == '{') {
            at++;
            return block(true);
        }
        if (c == '[') {
            at++;
            return list();
        }
        return bare(true);
    }

    private String key() {
        if (text.charAt(at) == '"' || text.charAt(at) == '\'') {
            return quoted();
        }
        int start = at;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at)) && ":={[".indexOf(text.charAt(at)) < 0) {
            at++;
        }
        if (at == start) {
            throw error("a key is missing");
        }
        return text.substring(start, at);
    }

    /** A quoted string, or bare text up to the end of the line, a separator or (for values) a closing bracket. */
    private String bare(boolean value) {
        if (text.charAt(at) == '"' || text.charAt(at) == '\'') {
            return quoted();
        }
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n' || c == ',' || c == ';' || (value ? "}]".indexOf(c) >= 0 : Character.isWhitespace(c))
                    || (Character.isWhitespace(c) && comment(at + 1))) {
                break;
            }
            at++;
        }
        return text.substring(start, at).strip();
    }

    private boolean comment(int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.startsWith("#", i) || text.startsWith("//", i);
    }

    private String quoted() {
        char quote = text.charAt(at++);
        int end = text.indexOf(quote, at);
        if (end < 0) {
            throw error("a string is not closed");
        }
        String s = text.substring(at, end);
        at = end + 1;
        return s;
    }

    private void skipBlanks() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }

    private void skipSeparators() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c) || c == ',' || c == ';') {
                at++;
            } else if (c == '#' || text.startsWith("//", at)) {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else {
                return;
            }
        }
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("nats.conf line " + line + ": " + what);
    }
}
