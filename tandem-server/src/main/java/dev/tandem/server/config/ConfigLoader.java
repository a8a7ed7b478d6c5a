package dev.tandem.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.clarity.webhook.CidrAllowlist;
import dev.tandem.salesforce.auth.AuthConfig;
import dev.tandem.salesforce.auth.ClientAuthStyle;
import dev.tandem.salesforce.auth.OAuthFlow;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code tandem.yaml}: YAML parsed by Jackson, then {@code ${ENV_NAME}} (or {@code ${ENV_NAME:-default}})
 * replaced inside string values with the environment variable, so secrets need not be written in the file.
 * Substitution happens after parsing, on values only, so a secret can never change the structure of the file.
 * Unknown keys are errors (a typo must not silently fall back to a default).
 */
public final class ConfigLoader {

    /** Largest config file accepted. */
    static final long MAX_BYTES = 1024 * 1024;

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
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
        ObjectNode r = (ObjectNode) root;
        checkKeys(r, "", Set.of("server", "store", "clarity", "salesforce", "runtime", "retry", "flows"));

        ObjectNode server = section(r, "server", Set.of("host", "port"));
        ObjectNode store = section(r, "store", Set.of("path"));
        ObjectNode clarity = section(r, "clarity", Set.of("baseUrl", "username", "password", "requestTimeout", "webhook",
                "ingest", "poll"));
        ObjectNode webhook = section(clarity, "webhook", Set.of("secrets", "tolerance", "allowedCidrs"), "clarity.");
        ObjectNode poll = section(clarity, "poll", Set.of("interval", "overlap", "pageSize", "entities", "startFrom"), "clarity.");
        TandemConfig.Ingest ingest = ingest(clarity);
        ObjectNode salesforce = section(r, "salesforce",
                Set.of("tokenUrl", "clientId", "clientSecret", "apiVersion", "callOptionsClient", "requestTimeout", "auth",
                        "writer", "cdc"));
        ObjectNode cdc = section(salesforce, "cdc", Set.of("enabled", "objects", "topics", "batchSize", "endpoint",
                "plaintext", "trustStore", "trustStorePassword", "trustCertificate", "replayStart", "reconnectInitial",
                "reconnectMax", "leaseTtl", "integrationUser"), "salesforce.");
        ObjectNode writer = section(salesforce, "writer", Set.of("window", "maxRecords"), "salesforce.");
        ObjectNode auth = section(salesforce, "auth", Set.of("flow", "clientAuth", "username", "audience",
                "privateKeyFile", "keystore", "keystorePassword", "keyAlias", "keyPassword", "refreshToken"), "salesforce.");
        AuthConfig authConfig = authConfig(auth);
        ObjectNode runtime = section(r, "runtime", Set.of("batchSize", "linger", "pollInterval"));
        ObjectNode retry = section(r, "retry", Set.of("initialDelay", "multiplier", "maxDelay", "maxAttempts", "jitter"));
        ObjectNode flows = section(r, "flows", Set.of("dir", "enabled"));

        TandemConfig config = new TandemConfig(
                new TandemConfig.Server(text(server, "server.host", "127.0.0.1"), integer(server, "server.port", 8080, 0, 65535)),
                new TandemConfig.Store(Path.of(text(store, "store.path", "./data/tandem.db"))),
                new TandemConfig.Clarity(uri(clarity, "clarity.baseUrl"), required(clarity, "clarity.username"),
                        required(clarity, "clarity.password"), duration(clarity, "clarity.requestTimeout", Duration.ofSeconds(30)),
                        ingest.webhooks() ? secrets(webhook) : optionalList(webhook, "secrets"),
                        duration(webhook, "clarity.webhook.tolerance", Duration.ofMinutes(5)), ingest,
                        cidrs(webhook), pollSettings(poll)),
                new TandemConfig.Salesforce(uri(salesforce, "salesforce.tokenUrl"), required(salesforce, "salesforce.clientId"),
                        authConfig.flow() == OAuthFlow.CLIENT_CREDENTIALS
                                ? required(salesforce, "salesforce.clientSecret")
                                : text(salesforce, "salesforce.clientSecret", ""),
                        text(salesforce, "salesforce.apiVersion", "64.0"),
                        text(salesforce, "salesforce.callOptionsClient", "tandem"),
                        duration(salesforce, "salesforce.requestTimeout", Duration.ofSeconds(30)), authConfig,
                        duration(writer, "salesforce.writer.window", Duration.ofMillis(50)),
                        integer(writer, "salesforce.writer.maxRecords", 200, 1, 200)),
                new TandemConfig.Runtime(integer(runtime, "runtime.batchSize", 50, 1, 10_000),
                        duration(runtime, "runtime.linger", Duration.ofMillis(50)),
                        duration(runtime, "runtime.pollInterval", Duration.ofMillis(500))),
                new TandemConfig.Retry(duration(retry, "retry.initialDelay", Duration.ofSeconds(1)),
                        decimal(retry, "retry.multiplier", 2.0), duration(retry, "retry.maxDelay", Duration.ofMinutes(10)),
                        integer(retry, "retry.maxAttempts", 10, 1, 1000), decimal(retry, "retry.jitter", 0.2)),
                flows(flows), cdc(cdc));
        if (!config.clarity().webhookTolerance().isPositive()) {
            throw new ConfigException("clarity.webhook.tolerance must be positive, got " + config.clarity().webhookTolerance());
        }
        if (!Double.isFinite(config.retry().multiplier()) || config.retry().multiplier() < 1) {
            throw new ConfigException("retry.multiplier must be a number >= 1, got " + config.retry().multiplier());
        }
        if (!Double.isFinite(config.retry().jitter()) || config.retry().jitter() < 0 || config.retry().jitter() >= 1) {
            throw new ConfigException("retry.jitter must be in [0, 1), got " + config.retry().jitter());
        }
        if (!config.retry().initialDelay().isPositive() || config.retry().maxDelay().compareTo(config.retry().initialDelay()) < 0) {
            throw new ConfigException("retry.initialDelay must be positive and retry.maxDelay at least as long");
        }
        if (!config.salesforce().apiVersion().matches("\\d{2}\\.\\d")) {
            throw new ConfigException("salesforce.apiVersion must look like 64.0, got '" + config.salesforce().apiVersion() + "'");
        }
        return config;
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

    /** {@code salesforce.cdc.*}: Change Data Capture over the Pub/Sub API (docs/salesforce.md). */
    private static dev.tandem.salesforce.cdc.CdcSettings cdc(ObjectNode cdc) {
        try {
            String trustStore = text(cdc, "salesforce.cdc.trustStore", null);
            String certificate = text(cdc, "salesforce.cdc.trustCertificate", null);
            JsonNode enabled = cdc.path("enabled");
            JsonNode plaintext = cdc.path("plaintext");
            for (String key : List.of("enabled", "plaintext")) {
                if (!cdc.path(key).isMissingNode() && !cdc.path(key).isBoolean()) {
                    throw new ConfigException("salesforce.cdc." + key + " must be true or false, got " + cdc.path(key));
                }
            }
            return new dev.tandem.salesforce.cdc.CdcSettings(enabled.asBoolean(false), optionalList(cdc, "objects"),
                    optionalList(cdc, "topics"), integer(cdc, "salesforce.cdc.batchSize", 100, 1, 100),
                    text(cdc, "salesforce.cdc.endpoint", dev.tandem.salesforce.cdc.CdcSettings.DEFAULT_ENDPOINT),
                    plaintext.asBoolean(false), java.util.Optional.ofNullable(trustStore).map(Path::of),
                    text(cdc, "salesforce.cdc.trustStorePassword", ""),
                    java.util.Optional.ofNullable(certificate).map(Path::of),
                    dev.tandem.salesforce.cdc.CdcSettings.ReplayStart.parse(text(cdc, "salesforce.cdc.replayStart", "latest")),
                    duration(cdc, "salesforce.cdc.reconnectInitial", Duration.ofSeconds(1)),
                    duration(cdc, "salesforce.cdc.reconnectMax", Duration.ofMinutes(1)),
                    duration(cdc, "salesforce.cdc.leaseTtl", Duration.ofSeconds(30)),
                    text(cdc, "salesforce.cdc.integrationUser", ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().startsWith("No enum constant")
                    ? "salesforce.cdc.replayStart must be latest or earliest" : e.getMessage(), e);
        }
    }

    /** {@code flows.dir} (a folder of flow files, hot-reloaded) and {@code flows.enabled} (flow id → true/false). */
    private static TandemConfig.Flows flows(ObjectNode flows) {
        String dir = text(flows, "flows.dir", null);
        java.util.Map<String, Boolean> enabled = new java.util.LinkedHashMap<>();
        JsonNode e = flows.path("enabled");
        if (!e.isMissingNode() && !e.isNull()) {
            if (!e.isObject()) {
                throw new ConfigException("flows.enabled must be a mapping of flow id to true or false");
            }
            for (var entry : e.properties()) {
                if (!entry.getValue().isBoolean()) {
                    throw new ConfigException("flows.enabled." + entry.getKey() + " must be true or false, got "
                            + entry.getValue());
                }
                enabled.put(entry.getKey(), entry.getValue().booleanValue());
            }
        }
        if (dir != null && !Files.isDirectory(Path.of(dir))) {
            throw new ConfigException("flows.dir " + dir + " is not a folder");
        }
        return new TandemConfig.Flows(dir == null ? null : Path.of(dir), enabled);
    }

    private static ObjectNode section(ObjectNode parent, String name, Set<String> allowed) {
        return section(parent, name, allowed, "");
    }

    private static ObjectNode section(ObjectNode parent, String name, Set<String> allowed, String prefix) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return YAML.createObjectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(prefix + name + " must be a mapping");
        }
        checkKeys((ObjectNode) node, prefix + name + ".", allowed);
        return (ObjectNode) node;
    }

    private static void checkKeys(ObjectNode node, String prefix, Set<String> allowed) {
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new ConfigException("unknown config key " + prefix + k + " (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        });
    }

    private static String text(ObjectNode node, String key, String fallback) {
        JsonNode v = node.get(last(key));
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(key + " must be a single value");
        }
        return v.asText();
    }

    private static String required(ObjectNode node, String key) {
        String v = text(node, key, null);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key + " is required");
        }
        return v;
    }

    private static URI uri(ObjectNode node, String key) {
        String v = required(node, key);
        try {
            URI uri = new URI(v);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(key + " must be an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " is not a valid URL (" + e.getReason() + ")", e);
        }
    }

    private static int integer(ObjectNode node, String key, int fallback, int min, int max) {
        JsonNode v = node.get(last(key));
        if (v == null || v.isNull()) {
            return fallback;
        }
        int value;
        if (v.isInt()) {
            value = v.asInt();
        } else if (v.isTextual() && v.asText().matches("-?\\d{1,9}")) {
            value = Integer.parseInt(v.asText());
        } else {
            throw new ConfigException(key + " must be a whole number, got '" + v.asText() + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static double decimal(ObjectNode node, String key, double fallback) {
        JsonNode v = node.get(last(key));
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a number, got '" + v.asText() + "'", e);
        }
    }

    private static Duration duration(ObjectNode node, String key, Duration fallback) {
        String v = text(node, key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " must be a duration like 500ms, 30s, 5m, 1h or PT30S, got '" + v + "'", e);
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
    static Duration parseDuration(String v) {
        return dev.tandem.core.config.Durations.parse(v);
    }

    private static TandemConfig.Ingest ingest(ObjectNode clarity) {
        String v = text(clarity, "clarity.ingest", "webhook");
        try {
            return TandemConfig.Ingest.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("clarity.ingest must be webhook, poll or both, got '" + v + "'", e);
        }
    }

    private static List<String> optionalList(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(s -> out.add(s.asText()));
        } else if (v != null && !v.isNull()) {
            out.add(v.asText());
        }
        return List.copyOf(out);
    }

    private static List<String> cidrs(ObjectNode webhook) {
        List<String> cidrs = optionalList(webhook, "allowedCidrs");
        try {
            CidrAllowlist.parse(cidrs);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("clarity.webhook.allowedCidrs: " + e.getMessage(), e);
        }
        return cidrs;
    }

    /** {@code clarity.poll}: the delta poller (clarity-api.md §11 path 1). */
    private static PollSettings pollSettings(ObjectNode poll) {
        List<ClarityEntity> entities = null;
        if (poll.has("entities")) {
            entities = new ArrayList<>();
            for (String name : optionalList(poll, "entities")) {
                ClarityEntity match = java.util.Arrays.stream(ClarityEntity.values())
                        .filter(e -> e.entityName().equalsIgnoreCase(name.trim())).findFirst()
                        .orElseThrow(() -> new ConfigException("clarity.poll.entities: unknown entity '" + name + "' (known: "
                                + String.join(", ", java.util.Arrays.stream(ClarityEntity.values()).map(ClarityEntity::entityName).toList()) + ")"));
                entities.add(match);
            }
        }
        String start = text(poll, "clarity.poll.startFrom", null);
        java.time.Instant initial = null;
        if (start != null) {
            try {
                initial = "now".equalsIgnoreCase(start.trim()) ? java.time.Instant.now() : java.time.Instant.parse(start.trim());
            } catch (DateTimeParseException e) {
                throw new ConfigException("clarity.poll.startFrom must be 'now' or an ISO instant like 2026-01-01T00:00:00Z, got '" + start + "'", e);
            }
        }
        try {
            return new PollSettings(duration(poll, "clarity.poll.interval", PollSettings.DEFAULT_INTERVAL),
                    duration(poll, "clarity.poll.overlap", PollSettings.DEFAULT_OVERLAP),
                    integer(poll, "clarity.poll.pageSize", PollSettings.DEFAULT_PAGE_SIZE, 1, PollSettings.MAX_PAGE_SIZE),
                    entities, initial, PollSettings.DEFAULT_MAX_REMEMBERED);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("clarity.poll: " + e.getMessage(), e);
        }
    }

    /** {@code salesforce.auth}: the OAuth 2.0 flow (salesforce-api.md §1) and what it needs. */
    private static AuthConfig authConfig(ObjectNode auth) {
        String flowText = text(auth, "salesforce.auth.flow", "client_credentials");
        OAuthFlow flow;
        try {
            flow = OAuthFlow.valueOf(flowText.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("salesforce.auth.flow must be client_credentials, jwt_bearer or refresh_token, got '"
                    + flowText + "'", e);
        }
        String styleText = text(auth, "salesforce.auth.clientAuth", "basic");
        ClientAuthStyle style;
        try {
            style = ClientAuthStyle.valueOf(styleText.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("salesforce.auth.clientAuth must be basic or form, got '" + styleText + "'", e);
        }
        String audience = text(auth, "salesforce.auth.audience", null);
        String key = text(auth, "salesforce.auth.privateKeyFile", null);
        String keystore = text(auth, "salesforce.auth.keystore", null);
        try {
            return new AuthConfig(flow, style, text(auth, "salesforce.auth.username", null),
                    audience == null ? null : URI.create(audience), key == null ? null : Path.of(key),
                    keystore == null ? null : Path.of(keystore), text(auth, "salesforce.auth.keystorePassword", null),
                    text(auth, "salesforce.auth.keyAlias", null), text(auth, "salesforce.auth.keyPassword", null),
                    text(auth, "salesforce.auth.refreshToken", null));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("salesforce.auth: " + e.getMessage(), e);
        }
    }

    private static List<String> secrets(ObjectNode webhook) {
        JsonNode v = webhook.get("secrets");
        if (v == null || v.isNull()) {
            throw new ConfigException("clarity.webhook.secrets is required (one or more shared secrets for X-Clarity-Signature)");
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(s -> out.add(s.asText()));
        } else {
            out.add(v.asText());
        }
        if (out.isEmpty() || out.stream().anyMatch(String::isBlank)) {
            throw new ConfigException("clarity.webhook.secrets must list one or more non-empty secrets");
        }
        return List.copyOf(out);
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }
}
