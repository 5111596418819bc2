package io.leadline.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name=value} options (also {@code --name value}); {@code --flag} alone means true. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    static Args parse(String[] argv, int from) {
        Args args = new Args();
        for (int i = from; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                args.values.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                args.values.put(arg.substring(2), argv[++i]);
            } else {
                args.values.put(arg.substring(2), "true");
            }
        }
        return args;
    }

    String str(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    int integer(String name, int fallback) {
        String value = values.get(name);
        return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
    }

    long lng(String name, long fallback) {
        String value = values.get(name);
        return value == null ? fallback : Long.parseLong(value.replace("_", ""));
    }

    double dbl(String name, double fallback) {
        String value = values.get(name);
        return value == null ? fallback : Double.parseDouble(value.replace("_", ""));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** A comma-separated list of numbers, e.g. {@code 50000,100000}; {@code k} means thousands, {@code m} millions. */
    List<Double> numbers(String name, String fallback) {
        List<Double> list = new ArrayList<>();
        for (String part : str(name, fallback).split(",")) {
            String p = part.trim().toLowerCase().replace("_", "");
            if (p.isEmpty()) {
                continue;
            }
            double factor = 1;
            if (p.endsWith("k")) {
                factor = 1000;
                p = p.substring(0, p.length() - 1);
            } else if (p.endsWith("m")) {
                factor = 1_000_000;
                p = p.substring(0, p.length() - 1);
            }
            list.add(Double.parseDouble(p) * factor);
        }
        return list;
    }
}
