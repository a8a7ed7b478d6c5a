package dev.tandem.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command-line options of a load harness: {@code --name value} pairs, each declared once with its default and
 * description so {@code --help} can list them. Unknown options are refused rather than silently ignored, so a typo
 * never produces a run with the defaults.
 */
final class LoadOptions {

    private record Option(String name, String defaultValue, String description) {
    }

    private final String harness;
    private final Map<String, Option> declared = new LinkedHashMap<>();
    private final Map<String, String> given = new LinkedHashMap<>();

    LoadOptions(String harness) {
        this.harness = harness;
    }

    LoadOptions declare(String name, String defaultValue, String description) {
        declared.put(name, new Option(name, defaultValue, description));
        return this;
    }

    /** Parses the arguments; returns false (after printing the usage) for {@code --help}. */
    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(usage());
                return false;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got: " + arg + "\n" + usage());
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value\n" + usage());
                }
                value = args[++i];
            }
            if (!declared.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "\n" + usage());
            }
            given.put(name, value);
        }
        return true;
    }

    String text(String name) {
        Option option = declared.get(name);
        if (option == null) {
            throw new IllegalStateException("undeclared option " + name);
        }
        return given.getOrDefault(name, option.defaultValue());
    }

    int integer(String name) {
        return Integer.parseInt(text(name).replace("_", ""));
    }

    long longValue(String name) {
        return Long.parseLong(text(name).replace("_", ""));
    }

    double decimal(String name) {
        return Double.parseDouble(text(name));
    }

    String choice(String name, Set<String> allowed) {
        String value = text(name);
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("--" + name + " must be one of " + allowed + ", got: " + value);
        }
        return value;
    }

    List<Integer> integers(String name) {
        List<Integer> values = new ArrayList<>();
        for (String part : text(name).split(",")) {
            if (!part.isBlank()) {
                values.add(Integer.parseInt(part.strip()));
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("--" + name + " needs at least one number");
        }
        return values;
    }

    /** The effective settings, one line, for the report. */
    String summary() {
        StringBuilder out = new StringBuilder();
        for (Option option : declared.values()) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append("--").append(option.name()).append(' ').append(text(option.name()));
        }
        return out.toString();
    }

    String usage() {
        StringBuilder out = new StringBuilder("usage: java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.")
                .append(harness).append(" [options]\n");
        for (Option option : declared.values()) {
            out.append(String.format("  --%-14s %s (default %s)%n", option.name(), option.description(),
                    option.defaultValue()));
        }
        return out.toString();
    }
}
