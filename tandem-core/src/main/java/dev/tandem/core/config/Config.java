package dev.tandem.core.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One parsed section of tandem.yaml (see {@link ConfigSpec#parse}): every key's value, read through its
 * {@link ConfigSpec.Key}, and the nested sections. Immutable.
 */
public final class Config {

    private final ConfigSpec spec;
    private final String path;
    private final Map<String, Object> values;
    private final Map<String, Boolean> written;
    private final Map<String, Config> sections;

    Config(ConfigSpec spec, String path, Map<String, Object> values, Map<String, Boolean> written,
           Map<String, Config> sections) {
        this.spec = spec;
        this.path = path;
        this.values = Map.copyOf(values);
        this.written = Map.copyOf(written);
        this.sections = Map.copyOf(sections);
    }

    /** The written value, else the default; null for an optional key that is not written. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigSpec.Key<T> key) {
        check(key);
        return (T) values.get(key.name());
    }

    /** The value of an optional key, empty when it is not written. */
    public <T> Optional<T> optional(ConfigSpec.Key<T> key) {
        return Optional.ofNullable(get(key));
    }

    /** Whether the key is written in the file (not defaulted). */
    public boolean isSet(ConfigSpec.Key<?> key) {
        check(key);
        return written.get(key.name());
    }

    /** A nested section (empty, i.e. all defaults, when it is not written). */
    public Config section(String name) {
        if (!spec.declaresSection(name)) {
            throw new IllegalArgumentException("no section " + name + " under '" + path + "'");
        }
        return sections.get(name);
    }

    /** The key path of this section, e.g. {@code salesforce.cdc}; empty at the top level. */
    public String path() {
        return path;
    }

    /** The full key path of {@code key}, for messages. */
    public String path(ConfigSpec.Key<?> key) {
        return ConfigSpec.join(path, key.name());
    }

    /** An error about {@code key}: {@code "<path> <problem>"}, e.g. {@code invalid(SECRET, "is required for ...")}. */
    public ConfigException invalid(ConfigSpec.Key<?> key, String problem) {
        return new ConfigException(path(key) + " " + problem);
    }

    /**
     * Runs the owner's constructor, turning its {@link IllegalArgumentException} (a rule across keys) into a
     * {@link ConfigException} prefixed with this section's path (unless the message names the path already).
     */
    public <R> R build(Supplier<R> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            String message = String.valueOf(e.getMessage());
            throw new ConfigException(message.startsWith(path) && !path.isEmpty() ? message : path + ": " + message, e);
        }
    }

    private void check(ConfigSpec.Key<?> key) {
        if (!spec.declares(key)) {
            throw new IllegalArgumentException(key + " is not declared by the spec of '" + path + "'");
        }
    }
}
