package dev.tandem.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The keys of one section of tandem.yaml, each declared once with its type, default, validation and doc: parsing,
 * error messages and the tables of docs/configuration.md all come from here.
 *
 * <p>A small cousin of Kafka Connect's {@code ConfigDef} ("ConfigDef", https://kafka.apache.org/documentation/#connectconfigs
 * and its Javadoc): a key is defined with {@link #define}, {@link #required} or {@link #optional}; nested mappings are
 * {@link #section}s with their own spec; {@link #parse} checks a YAML mapping against the spec and returns a
 * {@link Config} read through the {@link Key}s. Unknown keys are errors, so a typo never falls back to a default.
 *
 * <p>A spec is built once, in a static initializer, and read-only afterwards (then it is safe to share).
 */
public final class ConfigSpec {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    /** Name → {@link Key} or section {@link ConfigSpec}, in declaration order (the order of the docs). */
    private final Map<String, Object> entries = new LinkedHashMap<>();

    /** One key of a spec. Read its value with {@link Config#get}. */
    public static final class Key<T> {
        private final String name;
        private final Type<T> type;
        private final T defaultValue;
        private final String whenAbsent;
        private final boolean required;
        private final Validator<? super T> validator;
        private final String doc;

        private Key(String name, Type<T> type, T defaultValue, String whenAbsent, boolean required,
                    Validator<? super T> validator, String doc) {
            this.name = name;
            this.type = Objects.requireNonNull(type, "type");
            this.defaultValue = defaultValue;
            this.whenAbsent = whenAbsent;
            this.required = required;
            this.validator = Objects.requireNonNull(validator, "validator");
            this.doc = Objects.requireNonNull(doc, "doc");
            if (doc.isBlank()) {
                throw new IllegalArgumentException("config key " + name + " needs a doc");
            }
            if (defaultValue != null && validator.problem(defaultValue) != null) {
                throw new IllegalArgumentException("the default of config key " + name + " "
                        + validator.problem(defaultValue));
            }
        }

        public String name() {
            return name;
        }

        public Type<T> type() {
            return type;
        }

        /** The value when the key is not written; null for required and optional keys. */
        public T defaultValue() {
            return defaultValue;
        }

        public boolean required() {
            return required;
        }

        public String doc() {
            return doc;
        }

        /** The docs' default column. */
        String defaultText() {
            if (required) {
                return "required";
            }
            if (defaultValue == null) {
                return whenAbsent;
            }
            String text = type.format(defaultValue);
            return text.isEmpty() ? "empty" : "`" + text + "`";
        }

        /** The docs' type column: the type, then what the validator adds ({@code int 1–200}). */
        String typeText() {
            return (type.name() + " " + validator.describe()).strip();
        }

        @Override
        public String toString() {
            return "Key[" + name + "]";
        }
    }

    /** A key with a default, used when the key is not written (or written as YAML null). */
    public <T> Key<T> define(String name, Type<T> type, T defaultValue, Validator<? super T> validator, String doc) {
        return add(new Key<>(name, type, Objects.requireNonNull(defaultValue, "defaultValue"), null, false,
                validator, doc));
    }

    public <T> Key<T> define(String name, Type<T> type, T defaultValue, String doc) {
        return define(name, type, defaultValue, Validator.none(), doc);
    }

    /** A key that must be written; blank text counts as not written (e.g. {@code ${UNSET_VAR:-}}). */
    public <T> Key<T> required(String name, Type<T> type, Validator<? super T> validator, String doc) {
        return add(new Key<>(name, type, null, null, true, validator, doc));
    }

    public <T> Key<T> required(String name, Type<T> type, String doc) {
        return required(name, type, Validator.none(), doc);
    }

    /**
     * A key without a default: {@link Config#get} returns null when it is not written.
     *
     * @param whenAbsent what not writing it means, for the docs' default column, e.g. {@code "none"} or
     *                   {@code "required for `jwt_bearer`"} (a cross-key rule the owner's {@code from} enforces)
     */
    public <T> Key<T> optional(String name, Type<T> type, String whenAbsent, Validator<? super T> validator,
                               String doc) {
        return add(new Key<>(name, type, null, Objects.requireNonNull(whenAbsent, "whenAbsent"), false, validator, doc));
    }

    public <T> Key<T> optional(String name, Type<T> type, String whenAbsent, String doc) {
        return optional(name, type, whenAbsent, Validator.none(), doc);
    }

    /** A nested mapping {@code name:} whose keys {@code inner} declares. Returns this spec. */
    public ConfigSpec section(String name, ConfigSpec inner) {
        checkName(name);
        if (inner == this) {
            throw new IllegalArgumentException("a spec cannot be its own section");
        }
        entries.put(name, Objects.requireNonNull(inner, "inner"));
        return this;
    }

    /**
     * Adds the keys and sections {@code other} declares (so far) to this spec, at this level: a section made of
     * another component's keys and some of its own. Returns this spec.
     */
    public ConfigSpec include(ConfigSpec other) {
        other.entries.keySet().forEach(this::checkName);
        entries.putAll(other.entries);
        return this;
    }

    /** The key or section names of this level, in declaration order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The spec of a section. */
    public ConfigSpec sectionSpec(String name) {
        if (entries.get(name) instanceof ConfigSpec inner) {
            return inner;
        }
        throw new IllegalArgumentException("no section " + name + " in this spec (it has " + names() + ")");
    }

    boolean declares(Key<?> key) {
        return entries.get(key.name()) == key;
    }

    boolean declaresSection(String name) {
        return entries.get(name) instanceof ConfigSpec;
    }

    /**
     * Checks {@code section} against this spec and reads every key: the written value, or the default.
     *
     * @param section a YAML mapping; null, missing or YAML null mean an empty one (every default)
     * @param path    the key path of the section, e.g. {@code salesforce.cdc}; empty for the top level
     * @throws ConfigException naming the full key path: an unknown key, a value of the wrong type, out of range,
     *                         or a required key not written
     */
    public Config parse(JsonNode section, String path) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            section = JsonNodeFactory.instance.objectNode();
        }
        if (!section.isObject()) {
            throw new ConfigException((path.isEmpty() ? "the configuration" : path) + " must be a mapping of keys, got a "
                    + (section.isArray() ? "list" : "single value"));
        }
        for (String written : (Iterable<String>) section::fieldNames) {
            if (!entries.containsKey(written)) {
                throw unknown(path, written);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Boolean> written = new LinkedHashMap<>();
        Map<String, Config> sections = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            String name = entry.getKey();
            String keyPath = join(path, name);
            JsonNode node = section.get(name);
            if (entry.getValue() instanceof ConfigSpec inner) {
                sections.put(name, inner.parse(node, keyPath));
                continue;
            }
            Key<?> key = (Key<?>) entry.getValue();
            Object value = read(key, node, keyPath);
            written.put(name, value != null && node != null && !node.isNull());
            if (value == null) {
                value = key.defaultValue;
            }
            if (value != null) {
                values.put(name, value);
            }
        }
        return new Config(this, path, values, written, sections);
    }

    private static <T> T read(Key<T> key, JsonNode node, String keyPath) {
        if (node == null || node.isNull()) {
            if (key.required) {
                throw new ConfigException(keyPath + " is required");
            }
            return null;
        }
        T value = key.type.read(node, keyPath);
        if (key.required && value instanceof String s && s.isBlank()) {
            throw new ConfigException(keyPath + " is required (it is empty)");
        }
        String problem = key.validator.problem(value);
        if (problem != null) {
            throw new ConfigException(keyPath + " " + problem);
        }
        return value;
    }

    private ConfigException unknown(String path, String written) {
        String hint = entries.keySet().stream().filter(k -> k.equalsIgnoreCase(written)).findFirst()
                .map(k -> ", did you mean " + k + "?").orElse("");
        List<String> known = new ArrayList<>(entries.keySet());
        Collections.sort(known);
        return new ConfigException("unknown config key " + join(path, Show.text(written)) + hint + " (known: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
    }

    /**
     * The docs of every key of this spec and its sections, one Markdown table: key | type | default | meaning,
     * keys written as full paths in declaration order.
     */
    public String markdownTable() {
        return markdownTable("");
    }

    /** {@link #markdownTable()} for a spec used as section {@code path} (e.g. {@code salesforce.cdc}). */
    public String markdownTable(String path) {
        StringBuilder out = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        rows(path, out);
        return out.toString();
    }

    private void rows(String prefix, StringBuilder out) {
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            String path = join(prefix, entry.getKey());
            if (entry.getValue() instanceof ConfigSpec inner) {
                inner.rows(path, out);
            } else {
                Key<?> key = (Key<?>) entry.getValue();
                out.append("| `").append(path).append("` | ").append(cell(key.typeText())).append(" | ")
                        .append(cell(key.defaultText())).append(" | ").append(cell(key.doc)).append(" |\n");
                key.type.nested().ifPresent(n -> n.spec().rows(path + n.suffix(), out));
            }
        }
    }

    /** A table cell: one line, pipes escaped (GitHub Flavored Markdown, "Tables", https://github.github.com/gfm/#tables-extension-). */
    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
    }

    private <T> Key<T> add(Key<T> key) {
        checkName(key.name);
        entries.put(key.name, key);
        return key;
    }

    private void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a config key name is a letter then letters, digits, - or _, got: " + name);
        }
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("config key " + name + " is declared twice");
        }
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
