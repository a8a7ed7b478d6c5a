package dev.tandem.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigSpecTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    enum Mode { FAST, SLOW_AND_STEADY }

    private static final ConfigSpec INNER = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> WINDOW = INNER.define("window", Type.DURATION, Duration.ofMillis(50),
            Validator.notNegative(), "how long to wait");
    private static final ConfigSpec.Key<List<String>> OBJECTS = INNER.define("objects", Type.listOf(Type.STRING),
            List.of(), "objects to read");

    private static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<String> HOST = SPEC.define("host", Type.STRING, "127.0.0.1", "interface");
    private static final ConfigSpec.Key<Integer> PORT = SPEC.define("port", Type.INT, 8080, Validator.between(0, 65535),
            "port | of the listener");
    private static final ConfigSpec.Key<URI> URL = SPEC.required("baseUrl", Type.URL, "API root");
    private static final ConfigSpec.Key<Double> JITTER = SPEC.define("jitter", Type.NUMBER, 0.2,
            Validator.inRange(0, 1), "spread");
    private static final ConfigSpec.Key<Boolean> ENABLED = SPEC.define("enabled", Type.BOOLEAN, false, "on or off");
    private static final ConfigSpec.Key<Mode> MODE = SPEC.define("mode", Type.oneOf(Mode.class), Mode.FAST, "mode");
    private static final ConfigSpec.Key<Path> FILE = SPEC.optional("file", Type.PATH, "none", "a file");
    private static final ConfigSpec.Key<Map<String, Boolean>> SWITCHES = SPEC.define("switches",
            Type.mapOf("flow id", Type.BOOLEAN), Map.of(), "per flow");

    static {
        SPEC.section("inner", INNER);
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Config parse(String text) {
        return SPEC.parse(yaml(text), "server");
    }

    private static void fails(String text, String... parts) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).satisfies(e -> {
            for (String part : parts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }

    @Test
    void readsWrittenValuesAndDefaults() {
        Config c = parse("baseUrl: https://shop.example.com/api\nport: 9090\ninner:\n  objects: [Account, Contact]\n");
        assertThat(c.get(HOST)).isEqualTo("127.0.0.1");
        assertThat(c.isSet(HOST)).isFalse();
        assertThat(c.get(PORT)).isEqualTo(9090);
        assertThat(c.isSet(PORT)).isTrue();
        assertThat(c.get(URL)).isEqualTo(URI.create("https://shop.example.com/api"));
        assertThat(c.get(FILE)).isNull();
        assertThat(c.optional(FILE)).isEmpty();
        assertThat(c.get(MODE)).isEqualTo(Mode.FAST);
        assertThat(c.section("inner").get(OBJECTS)).containsExactly("Account", "Contact");
        assertThat(c.section("inner").get(WINDOW)).isEqualTo(Duration.ofMillis(50));
        assertThat(c.section("inner").path(WINDOW)).isEqualTo("server.inner.window");
    }

    @Test
    void textFromTheEnvironmentIsReadAsNumbersAndBooleans() {
        Config c = parse("baseUrl: http://h\nport: '9090'\njitter: '0.5'\nenabled: 'true'\nmode: slow-and-steady\n");
        assertThat(c.get(PORT)).isEqualTo(9090);
        assertThat(c.get(JITTER)).isEqualTo(0.5);
        assertThat(c.get(ENABLED)).isTrue();
        assertThat(c.get(MODE)).isEqualTo(Mode.SLOW_AND_STEADY);
    }

    @Test
    void aYamlNullOrAMissingSectionMeansTheDefaults() {
        Config c = parse("baseUrl: http://h\nport: ~\ninner:\n");
        assertThat(c.get(PORT)).isEqualTo(8080);
        assertThat(c.section("inner").get(OBJECTS)).isEmpty();
        assertThat(INNER.parse(null, "x").get(WINDOW)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void wrongTypesNameTheFullKeyPath() {
        fails("baseUrl: http://h\nport: eighty", "server.port must be a whole number, got 'eighty'");
        fails("baseUrl: http://h\nport: 80.5", "server.port must be a whole number");
        fails("baseUrl: http://h\nport: 99999999999", "server.port must be a whole number between");
        fails("baseUrl: http://h\njitter: NaN", "server.jitter must be a number, got 'NaN'");
        fails("baseUrl: http://h\njitter: 1e999", "server.jitter must be a finite number");
        fails("baseUrl: http://h\njitter: '0x10'", "server.jitter must be a number, got '0x10'");
        fails("baseUrl: http://h\nenabled: yes please", "server.enabled must be true or false, got 'yes please'");
        fails("baseUrl: http://h\nenabled: 1", "server.enabled must be true or false");
        fails("baseUrl: http://h\nmode: medium", "server.mode must be fast or slow_and_steady, got 'medium'");
        fails("baseUrl: ftp://h", "server.baseUrl must be an http(s) URL");
        fails("baseUrl: 'http://a b'", "server.baseUrl is not a valid URL");
        fails("baseUrl: http://h\ninner:\n  window: soon", "server.inner.window must be a duration like");
        fails("baseUrl: http://h\ninner:\n  window: 99999999999999999h", "server.inner.window must be a duration");
        fails("baseUrl: http://h\nfile: ''", "server.file must be a path");
        fails("baseUrl: http://h\nfile: \"a\\0b\"", "server.file is not a valid path");
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheRange() {
        fails("baseUrl: http://h\nport: 70000", "server.port must be between 0 and 65535, got 70000");
        fails("baseUrl: http://h\nport: -1", "server.port must be between 0 and 65535, got -1");
        fails("baseUrl: http://h\njitter: 1", "server.jitter must be in [0, 1), got 1.0");
        fails("baseUrl: http://h\ninner:\n  window: PT-1S", "server.inner.window must not be negative, got PT-1S");
    }

    @Test
    void unknownKeysAtAnyDepthAreErrorsWithTheirPath() {
        fails("baseUrl: http://h\nPort: 1", "unknown config key server.Port, did you mean port?", "known: baseUrl");
        fails("baseUrl: http://h\ninner:\n  windw: 1s", "unknown config key server.inner.windw",
                "(known: objects, window)");
        fails("baseUrl: http://h\ninner:\n  window:\n    ms: 5", "server.inner.window must be a single value, got a mapping");
    }

    @Test
    void requiredKeysMustBeWrittenAndNotBlank() {
        fails("port: 1", "server.baseUrl is required");
        fails("baseUrl: ~", "server.baseUrl is required");
        ConfigSpec s = new ConfigSpec();
        s.required("password", Type.STRING, "secret");
        assertThatThrownBy(() -> s.parse(yaml("password: '  '"), "clarity"))
                .hasMessage("clarity.password is required (it is empty)");
    }

    @Test
    void listsAndScalarsAreToldApart() {
        assertThat(parse("baseUrl: http://h\ninner:\n  objects: Account\n").section("inner").get(OBJECTS))
                .containsExactly("Account");
        fails("baseUrl: http://h\ninner:\n  objects: {a: 1}", "server.inner.objects must be a list of string, got a mapping");
        fails("baseUrl: http://h\ninner:\n  objects: [a, [b]]", "server.inner.objects[1] must be a single value, got a list");
        fails("baseUrl: http://h\ninner:\n  objects: [a, ~]", "server.inner.objects[1] is empty");
        fails("baseUrl: [http://h]", "server.baseUrl must be a single value, got a list");
        fails("baseUrl: http://h\nport: [80]", "server.port must be a single value, got a list");
        fails("baseUrl: http://h\ninner: [a]", "server.inner must be a mapping of keys, got a list");
        fails("baseUrl: http://h\ninner: 5", "server.inner must be a mapping of keys, got a single value");
    }

    @Test
    void mapsNameTheirEntries() {
        assertThat(parse("baseUrl: http://h\nswitches: {a: true, b: 'false'}").get(SWITCHES))
                .containsExactly(Map.entry("a", true), Map.entry("b", false));
        fails("baseUrl: http://h\nswitches: {x: maybe}", "server.switches.x must be true or false, got 'maybe'");
        fails("baseUrl: http://h\nswitches: [x]", "server.switches must be a mapping of flow id to bool");
        fails("baseUrl: http://h\nswitches: {x: ~}", "server.switches.x is empty");
    }

    @Test
    void hugeOrControlCharacterValuesAreCutInMessages() {
        String huge = "x".repeat(200_000);
        assertThatThrownBy(() -> parse("baseUrl: http://h\nport: " + huge))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.port must be a whole number")
                .hasMessageContaining("(200000 characters)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        com.fasterxml.jackson.databind.node.ObjectNode hugeKey = YAML.createObjectNode().put("baseUrl", "http://h")
                .put(huge, 1);
        assertThatThrownBy(() -> SPEC.parse(hugeKey, "server"))
                .hasMessageContaining("unknown config key server.xxxx")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> parse("baseUrl: http://h\nport: \"8\\n0\\e\""))
                .hasMessageContaining("\\u000a").hasMessageContaining("\\u001b");
        assertThat(parse("baseUrl: http://h\nhost: " + huge).get(HOST)).hasSize(200_000);
    }

    @Test
    void theTopLevelMustBeAMapping() {
        assertThatThrownBy(() -> SPEC.parse(yaml("- a"), "")).hasMessage("the configuration must be a mapping of keys, got a list");
    }

    @Test
    void theMarkdownTableListsEveryKeyWithTypeDefaultAndDoc() {
        String table = SPEC.markdownTable();
        assertThat(table).startsWith("| key | type | default | meaning |\n|---|---|---|---|\n");
        assertThat(table).contains("| `host` | string | `127.0.0.1` | interface |\n");
        assertThat(table).contains("| `port` | int 0–65535 | `8080` | port \\| of the listener |\n");
        assertThat(table).contains("| `baseUrl` | URL | required | API root |\n");
        assertThat(table).contains("| `jitter` | number 0 ≤ x < 1 | `0.2` | spread |\n");
        assertThat(table).contains("| `mode` | `fast` \\| `slow_and_steady` | `fast` | mode |\n");
        assertThat(table).contains("| `file` | path | none | a file |\n");
        assertThat(table).contains("| `inner.window` | duration ≥ 0 | `50ms` | how long to wait |\n");
        assertThat(table).contains("| `inner.objects` | list of string | empty | objects to read |\n");
        assertThat(table.lines()).hasSize(2 + 10);
    }

    @Test
    void includeAddsAnotherSpecsKeysAtThisLevel() {
        ConfigSpec outer = new ConfigSpec().include(INNER);
        ConfigSpec.Key<Integer> extra = outer.define("extra", Type.INT, 1, "more");
        Config c = outer.parse(yaml("window: 2s\nextra: 3"), "writer");
        assertThat(c.get(WINDOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.get(extra)).isEqualTo(3);
        assertThatThrownBy(() -> outer.include(INNER)).hasMessageContaining("declared twice");
    }

    @Test
    void specsAreCheckedWhenDeclared() {
        ConfigSpec s = new ConfigSpec();
        s.define("a", Type.INT, 1, "doc");
        assertThatThrownBy(() -> s.define("a", Type.INT, 1, "doc")).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> s.define("a.b", Type.INT, 1, "doc")).hasMessageContaining("key name");
        assertThatThrownBy(() -> s.define("c", Type.INT, 1, " ")).hasMessageContaining("needs a doc");
        assertThatThrownBy(() -> s.define("d", Type.INT, 0, Validator.between(1, 2), "doc"))
                .hasMessageContaining("the default of config key d must be between 1 and 2");
        assertThatThrownBy(() -> s.section("e", s)).hasMessageContaining("own section");
    }

    @Test
    void aKeyOfAnotherSpecCannotBeRead() {
        Config c = parse("baseUrl: http://h");
        assertThatThrownBy(() -> c.get(WINDOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.section("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRuleAcrossKeysIsReportedWithTheSectionPath() {
        Config c = parse("baseUrl: http://h");
        assertThatThrownBy(() -> c.build(() -> {
            throw new IllegalArgumentException("maxDelay must be >= initialDelay");
        })).isInstanceOf(ConfigException.class).hasMessage("server: maxDelay must be >= initialDelay");
        assertThatThrownBy(() -> c.build(() -> {
            throw new IllegalArgumentException("server.port is odd");
        })).hasMessage("server.port is odd");
        assertThat(c.invalid(PORT, "is required for TLS").getMessage()).isEqualTo("server.port is required for TLS");
    }

    @Test
    void durationsAreFormattedTheWayTheyAreWritten() {
        assertThat(Durations.format(Duration.ofMillis(50))).isEqualTo("50ms");
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofNanos(5))).isEqualTo("PT0.000000005S");
        assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE))).startsWith("PT");
        for (String text : List.of("50ms", "30s", "10m", "2h")) {
            assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
        }
    }

    private static final ConfigSpec RULE = new ConfigSpec();
    private static final ConfigSpec.Key<String> RULE_NAME = RULE.required("name", Type.STRING, "the rule's name");
    private static final ConfigSpec.Key<Integer> RULE_LIMIT = RULE.define("limit", Type.INT, 10,
            Validator.between(1, 100), "how many");
    private static final ConfigSpec LISTS = new ConfigSpec();
    private static final ConfigSpec.Key<List<Config>> RULES = LISTS.define("rules", Type.listOf(Type.section(RULE)),
            List.of(), "the rules");
    private static final ConfigSpec.Key<Map<String, Config>> TARGETS = LISTS.define("targets",
            Type.mapOf("target name", Type.section(RULE)), Map.of(), "named rules");

    @Test
    void listsAndMapsOfSectionsAreReadWithTheKeysOfTheirSpec() {
        Config c = LISTS.parse(yaml("rules:\n  - {name: a}\n  - {name: b, limit: 3}\ntargets:\n  x: {name: c}\n"),
                "alerts");
        assertThat(c.get(RULES)).extracting(r -> r.get(RULE_NAME)).containsExactly("a", "b");
        assertThat(c.get(RULES)).extracting(r -> r.get(RULE_LIMIT)).containsExactly(10, 3);
        assertThat(c.get(RULES).get(1).path(RULE_LIMIT)).isEqualTo("alerts.rules[1].limit");
        assertThat(c.get(TARGETS).get("x").get(RULE_NAME)).isEqualTo("c");
        assertThat(LISTS.parse(yaml("{}"), "alerts").get(RULES)).isEmpty();
    }

    @Test
    void anErrorInsideAListOrMapOfSectionsNamesTheEntry() {
        assertThatThrownBy(() -> LISTS.parse(yaml("rules: [{name: a}, {name: b, limit: 500}]"), "alerts"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("alerts.rules[1].limit must be between 1");
        assertThatThrownBy(() -> LISTS.parse(yaml("rules: [{limit: 5}]"), "alerts"))
                .hasMessage("alerts.rules[0].name is required");
        assertThatThrownBy(() -> LISTS.parse(yaml("rules: [{name: a, lmit: 5}]"), "alerts"))
                .hasMessageStartingWith("unknown config key alerts.rules[0].lmit");
        assertThatThrownBy(() -> LISTS.parse(yaml("targets: {x: {name: a, limit: zero}}"), "alerts"))
                .hasMessageStartingWith("alerts.targets.x.limit must be a whole number");
        assertThatThrownBy(() -> LISTS.parse(yaml("rules: [just-a-name]"), "alerts"))
                .hasMessageContaining("alerts.rules[0] must be a mapping of keys");
        assertThatThrownBy(() -> LISTS.parse(yaml("rules: {name: a}"), "alerts"))
                .hasMessageContaining("alerts.rules must be a list of mapping, got a mapping");
    }

    @Test
    void theDocsListTheKeysInsideListsAndMapsOfSections() {
        assertThat(LISTS.markdownTable("alerts"))
                .contains("| `alerts.rules` | list of mapping | empty | the rules |")
                .contains("| `alerts.rules[].name` | string | required | the rule's name |")
                .contains("| `alerts.rules[].limit` | int 1–100 | `10` | how many |")
                .contains("| `alerts.targets.<target name>.name` | string | required | the rule's name |");
    }
}
