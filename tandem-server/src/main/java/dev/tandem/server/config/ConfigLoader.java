package dev.tandem.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code tandem.yaml}: YAML parsed by Jackson, then {@code ${ENV_NAME}} (or {@code ${ENV_NAME:-default}}, or
 * {@code ${env:ENV_NAME}} as flow files write credential references) replaced inside string values with the
 * environment variable, so secrets need not be written in the file.
 * Substitution happens after parsing, on values only, so a secret can never change the structure of the file.
 * Then each section goes to its owner's spec ({@link TandemConfig#SPEC}): unknown keys are errors (a typo must not
 * silently fall back to a default), and every message names the full key path.
 */
public final class ConfigLoader {

    /** Largest config file accepted. */
    static final long MAX_BYTES = 1024 * 1024;

    private static final Pattern ENV = Pattern.compile("\\$\\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Function<String, String> environment;

    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public static ConfigLoader fromSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    public TandemConfig load(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist or is not a file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException("config file " + file + " is larger than 1 MiB");
            }
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    public TandemConfig parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(source + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(source + ": the top level must be a mapping of sections");
        }
        substitute(root, "");
        try {
            return TandemConfig.from(TandemConfig.SPEC.parse(root, ""));
        } catch (ConfigException e) {
            throw e;
        } catch (dev.tandem.core.config.ConfigException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private void substitute(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<Map.Entry<String, JsonNode>> copy = new ArrayList<>();
            fields.forEachRemaining(copy::add);
            for (Map.Entry<String, JsonNode> field : copy) {
                String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    object.set(field.getKey(), new TextNode(expand(field.getValue().asText(), key)));
                } else {
                    substitute(field.getValue(), key);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String key = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(expand(array.get(i).asText(), key)));
                } else {
                    substitute(array.get(i), key);
                }
            }
        }
    }

    private String expand(String value, String key) {
        Matcher m = ENV.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = environment.apply(name);
            if (replacement == null) {
                replacement = m.group(2);
            }
            if (replacement == null) {
                throw new ConfigException(key + " uses ${" + name + "} but the environment variable " + name + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
    static Duration parseDuration(String v) {
        return dev.tandem.core.config.Durations.parse(v);
    }
}
