package dev.tandem.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The type of a config key: how a YAML value becomes a Java value, and how the docs name it.
 *
 * <p>Values arrive after {@code ${ENV}} substitution, which always yields text, so numbers and booleans are also
 * accepted as text ({@code port: ${PORT}}).
 *
 * @param <T> the Java type of the value
 */
public interface Type<T> {

    /** The type as the docs' type column names it, e.g. {@code int}, {@code duration}, {@code list of string}. */
    String name();

    /**
     * The value of {@code node} (never null, never a YAML null: those mean "not set").
     *
     * @param path the full key path, for the message
     * @throws ConfigException naming {@code path} when the value is not of this type
     */
    T read(JsonNode node, String path);

    /** The value as it would be written in tandem.yaml (for the docs' default column). */
    default String format(T value) {
        return String.valueOf(value);
    }

    /**
     * The keys inside each value of a type made of {@link #section}s, for the docs.
     *
     * @param suffix how the key path continues to them: empty for a section, {@code []} for a list of sections,
     *               {@code .<channel name>} for a map of them (so the docs read {@code alerts.rules[].name})
     * @param spec   the keys of one such section
     */
    record Nested(String suffix, ConfigSpec spec) {
    }

    /** The keys inside the values of this type (a {@link #section}, or a list or map of them); empty for the rest. */
    default Optional<Nested> nested() {
        return Optional.empty();
    }

    /**
     * A mapping whose keys {@code spec} declares, read into a {@link Config} with the full key path: the element of
     * a list or map of sections ({@code listOf(section(RULE))}), for entries the user names or counts, where a
     * fixed {@link ConfigSpec#section} cannot be declared in advance. Errors name the entry, e.g.
     * {@code alerts.rules[2].threshold}.
     */
    static Type<Config> section(ConfigSpec spec) {
        java.util.Objects.requireNonNull(spec, "spec");
        return new Type<>() {
            @Override
            public String name() {
                return "mapping";
            }

            @Override
            public Config read(JsonNode node, String path) {
                return spec.parse(node, path);
            }

            @Override
            public String format(Config value) {
                return value.path();
            }

            @Override
            public Optional<Nested> nested() {
                return Optional.of(new Nested("", spec));
            }
        };
    }

    /**
     * A type read from one YAML scalar (text, number or boolean, taken as its text).
     *
     * @param parse turns the text into the value; throws {@link IllegalArgumentException} whose message ends the
     *              sentence that starts with the key path, e.g. {@code "must be a duration like 30s, got 'soon'"}
     */
    static <T> Type<T> scalar(String name, Function<String, T> parse, Function<T, String> format) {
        return new Type<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public T read(JsonNode node, String path) {
                String text = Type.text(node, path);
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(path + " " + e.getMessage(), e);
                }
            }

            @Override
            public String format(T value) {
                return format.apply(value);
            }
        };
    }

    /** The text of a scalar; a list or mapping is an error. */
    private static String text(JsonNode node, String path) {
        if (!node.isValueNode()) {
            throw new ConfigException(path + " must be a single value, got a " + (node.isArray() ? "list" : "mapping"));
        }
        return node.asText();
    }

    /** Any single value, as text. */
    Type<String> STRING = scalar("string", s -> s, s -> s);

    /** A whole number that fits in an {@code int}, written as a number or as digits. */
    Type<Integer> INT = new Type<>() {
        private static final Pattern DIGITS = Pattern.compile("[-+]?\\d+");

        @Override
        public String name() {
            return "int";
        }

        @Override
        public Integer read(JsonNode node, String path) {
            String text = Type.text(node, path).strip();
            if (node.isIntegralNumber() || node.isTextual() && DIGITS.matcher(text).matches()) {
                try {
                    return Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new ConfigException(path + " must be a whole number between " + Integer.MIN_VALUE + " and "
                            + Integer.MAX_VALUE + ", got " + Show.value(text), e);
                }
            }
            throw new ConfigException(path + " must be a whole number, got " + Show.value(text));
        }
    };

    /** A finite decimal number, written as a number or as decimal text ({@code NaN} and {@code Infinity} are not). */
    Type<Double> NUMBER = new Type<>() {
        private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

        @Override
        public String name() {
            return "number";
        }

        @Override
        public Double read(JsonNode node, String path) {
            String text = Type.text(node, path).strip();
            if (!node.isNumber() && !(node.isTextual() && DECIMAL.matcher(text).matches())) {
                throw new ConfigException(path + " must be a number, got " + Show.value(text));
            }
            double value = node.isNumber() ? node.doubleValue() : Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new ConfigException(path + " must be a finite number, got " + Show.value(text));
            }
            return value;
        }
    };

    /** {@code true} or {@code false} (also as text, for {@code ${ENV}}); not YAML 1.1's {@code yes} / {@code on}. */
    Type<Boolean> BOOLEAN = new Type<>() {
        @Override
        public String name() {
            return "bool";
        }

        @Override
        public Boolean read(JsonNode node, String path) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            String text = node.isValueNode() ? node.asText().strip() : "";
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new ConfigException(path + " must be true or false, got "
                    + (node.isValueNode() ? Show.value(node.asText()) : "a " + (node.isArray() ? "list" : "mapping")));
        }
    };

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT30S}); see {@link Durations}. */
    Type<Duration> DURATION = scalar("duration", text -> {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be a duration like 500ms, 30s, 5m, 1h or PT30S, got "
                    + Show.value(text), e);
        }
    }, Durations::format);

    /** A file system path (not checked for existence: add a validator for that). */
    Type<Path> PATH = scalar("path", text -> {
        if (text.isBlank()) {
            throw new IllegalArgumentException("must be a path, got an empty value");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path (" + Show.text(e.getReason()) + ")", e);
        }
    }, Path::toString);

    /** An absolute {@code http} or {@code https} URL with a host. */
    Type<URI> URL = scalar("URL", text -> {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + Show.text(e.getReason()) + ")", e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http(s) URL, got " + Show.value(text));
        }
        return uri;
    }, URI::toString);

    /**
     * One of the constants of {@code type}, written in lower case ({@code client_credentials}); case and {@code -}
     * versus {@code _} do not matter when read.
     */
    static <E extends Enum<E>> Type<E> oneOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        List<String> names = Arrays.stream(constants).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        String alternatives = names.size() == 1 ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        return scalar(names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(" | ")), text -> {
            String wanted = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E c : constants) {
                if (c.name().equals(wanted)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("must be " + alternatives + ", got " + Show.value(text));
        }, c -> c.name().toLowerCase(Locale.ROOT));
    }

    /**
     * A list of {@code element}s; a single value is a list of one ({@code secrets: abc} = {@code secrets: [abc]}).
     * An element's error names its index, e.g. {@code clarity.poll.entities[2]}.
     */
    static <T> Type<List<T>> listOf(Type<T> element) {
        return new Type<>() {
            @Override
            public String name() {
                return "list of " + element.name();
            }

            @Override
            public List<T> read(JsonNode node, String path) {
                if (node.isObject()) {
                    throw new ConfigException(path + " must be a list of " + element.name() + ", got a mapping");
                }
                if (!node.isArray()) {
                    return List.of(element.read(node, path));
                }
                List<T> out = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    JsonNode item = node.get(i);
                    if (item.isNull()) {
                        throw new ConfigException(path + "[" + i + "] is empty");
                    }
                    out.add(element.read(item, path + "[" + i + "]"));
                }
                return List.copyOf(out);
            }

            @Override
            public String format(List<T> value) {
                return value.stream().map(element::format).collect(Collectors.joining(", "));
            }

            @Override
            public Optional<Nested> nested() {
                return element.nested().map(n -> new Nested("[]" + n.suffix(), n.spec()));
            }
        };
    }

    /**
     * A mapping of names (e.g. flow ids) to {@code value}s, in file order. A value's error names its entry, e.g.
     * {@code flows.enabled.my-flow}.
     */
    static <V> Type<Map<String, V>> mapOf(String keyName, Type<V> value) {
        return new Type<>() {
            @Override
            public String name() {
                return "map of " + keyName + " → " + value.name();
            }

            @Override
            public Map<String, V> read(JsonNode node, String path) {
                if (!node.isObject()) {
                    throw new ConfigException(path + " must be a mapping of " + keyName + " to " + value.name());
                }
                Map<String, V> out = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String entry = path + "." + Show.text(e.getKey());
                    if (e.getValue().isNull()) {
                        throw new ConfigException(entry + " is empty");
                    }
                    out.put(e.getKey(), value.read(e.getValue(), entry));
                }
                return java.util.Collections.unmodifiableMap(out);
            }

            @Override
            public String format(Map<String, V> map) {
                return map.entrySet().stream().map(e -> e.getKey() + ": " + value.format(e.getValue()))
                        .collect(Collectors.joining(", "));
            }

            @Override
            public Optional<Nested> nested() {
                return value.nested().map(n -> new Nested(".<" + keyName + ">" + n.suffix(), n.spec()));
            }
        };
    }
}
