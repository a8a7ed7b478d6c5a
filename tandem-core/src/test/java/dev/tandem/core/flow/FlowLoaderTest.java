package dev.tandem.core.flow;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowLoaderTest {

    private static final String GOOD = """
            id: my-flow
            from: { system: clarity, events: [SalesOrder.Created] }
            steps:
              - fetch: { system: clarity, entity: SalesOrder }
              - validate:
                  rules:
                    - { rule: "Totals.Total >= 0", code: BUSINESS_RULE_VIOLATION, message: "negative {{Totals.Total}}" }
              - transform: { mapping: m.jsonata }
              - to: { system: salesforce }
            """;

    private static final FlowCatalog CATALOG = new FlowCatalog(Set.of("clarity", "salesforce"),
            Set.of("salesforce", "clarity"), Set.of("salesforce.pricebookEntries", "salesforce.recordTypes"));
    private final FlowLoader loader = new FlowLoader(CATALOG);

    private FlowSpec load(String yaml, Map<String, String> files) {
        return loader.load("f.yaml", yaml, name -> Optional.ofNullable(files.get(name)));
    }

    private FlowFileException problems(String yaml, Map<String, String> files) {
        return (FlowFileException) org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml, files));
    }

    @Test
    void aValidFlowLoadsWithAContentHashVersion() {
        FlowSpec a = load(GOOD, Map.of("m.jsonata", "{\"records\": []}"));
        FlowSpec b = load(GOOD, Map.of("m.jsonata", "{\"records\": [1]}"));
        assertThat(a.id()).isEqualTo("my-flow");
        assertThat(a.version()).hasSize(12).isNotEqualTo(b.version());
        assertThat(a.enabled()).isTrue();
    }

    @Test
    void yamlSyntaxErrorsNameLineAndColumn() {
        FlowFileException e = problems("id: x\nfrom: [unclosed\n", Map.of());
        assertThat(e.problems().getFirst().line()).isGreaterThan(1);
        assertThat(e.getMessage()).startsWith("f.yaml:").contains("not valid YAML");
    }

    @Test
    void anUnknownStepIsNamedWithTheKnownOnes() {
        FlowFileException e = problems(GOOD.replace("- fetch:", "- fech:"), Map.of("m.jsonata", "{}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.message()).contains("unknown step 'fech'", "fetch", "transform");
        });
    }

    @Test
    void schemaViolationsSayWhichKeyIsWrongOrMissing() {
        FlowFileException e = problems(GOOD.replace("entity: SalesOrder", "entty: SalesOrder"), Map.of("m.jsonata", "{}"));
        assertThat(e.getMessage()).contains("f.yaml:4:", "unknown key 'entty'", "required property 'entity'");
    }

    @Test
    void jsonataSyntaxErrorsInTheFlowAndInTheMappingFileAreLocated() {
        FlowFileException e = problems(GOOD.replace("Totals.Total >= 0", "Totals.Total >="),
                Map.of("m.jsonata", "{\n  \"a\": $foo(\n}"));
        assertThat(e.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("f.yaml");
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.message()).contains("JSONata in steps.1.validate.rules.0.rule");
        });
        assertThat(e.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("m.jsonata");
            assertThat(p.line()).isEqualTo(3);
        });
    }

    @Test
    void unknownSystemsEnrichersMissingMappingsAndBadIdsAreRefused() {
        String yaml = GOOD.replace("id: my-flow", "id: My Flow").replace("system: salesforce", "system: sap")
                .replace("  - to:", "  - enrich: { using: nothing.here }\n  - to:");
        FlowFileException e = problems(yaml, Map.of());
        assertThat(e.getMessage()).contains("id 'My Flow'", "no connector can write to system 'sap'",
                "no enricher named 'nothing.here'", "mapping file m.jsonata does not exist");
    }

    @Test
    void aRuleCodeMustBeUpperSnakeCase() {
        assertThat(problems(GOOD.replace("BUSINESS_RULE_VIOLATION", "bad code"), Map.of("m.jsonata", "{}")).getMessage())
                .contains("must be UPPER_SNAKE_CASE");
    }

    @Test
    void redeliveryOptionsUseCamelsNamesAndAreChecked() {
        String yaml = GOOD + """
                errorHandler:
                  deadLetterChannel:
                    redelivery: { maximumRedeliveries: 2, redeliveryDelay: 500ms, maximumRedeliveryDelay: 5s }
                    onErrors:
                      - { codes: [UNABLE_TO_LOCK_ROW], redelivery: { maximumRedeliveries: 20 } }
                """;
        FlowSpec spec = load(yaml, Map.of("m.jsonata", "{}"));
        assertThat(spec.redeliveryFor("OTHER").orElseThrow().maxAttempts()).isEqualTo(3);
        assertThat(spec.redeliveryFor("UNABLE_TO_LOCK_ROW").orElseThrow().maxAttempts()).isEqualTo(21);
        assertThat(problems(yaml.replace("500ms", "soon"), Map.of("m.jsonata", "{}")).getMessage())
                .contains("redelivery", "'soon' is not a duration");
    }

    @Test
    void hostileInputIsRefusedWithAClearError() {
        assertThatThrownBy(() -> load("a".repeat(FlowLoader.MAX_FILE_BYTES + 1), Map.of()))
                .isInstanceOf(FlowFileException.class).hasMessageContaining("larger than");
        assertThat(problems("- just\n- a list\n", Map.of()).getMessage()).contains("a flow file is a YAML mapping");
        assertThat(problems("id: a\nid: b\nfrom: {system: clarity, events: [X]}\nsteps: []\n", Map.of()).getMessage())
                .contains("f.yaml:");
    }

    @Test
    void theGeneratedSchemaDescribesEveryStepKind() {
        String schema = FlowSchema.text();
        assertThat(schema).contains("idempotentConsumer", "fetch", "filter", "validate", "choice", "transform",
                "enrich", "\"to\"", "deadLetterChannel", "maximumRedeliveries", "\"split\"", "\"aggregate\"",
                "aggregationStrategy", "maxResponseBytes");
    }

    private static final String SPLIT = """
            id: split-flow
            from: { system: clarity, events: [SalesOrder.Created] }
            steps:
              - fetch: { system: clarity, entity: SalesOrder }
              - split: { expression: "Lines", maxParts: 500 }
              - filter: { when: "Quantity > 0" }
              - aggregate: { aggregationStrategy: "$merge([$parent, {'Lines': $}])" }
              - transform: { mapping: m.jsonata }
              - to: { system: salesforce }
            """;

    private static final String HTTP = """
            id: tax-flow
            from: { system: clarity, events: [SalesOrder.Created] }
            steps:
              - fetch: { system: clarity, entity: SalesOrder }
              - enrich:
                  http:
                    method: POST
                    url: "https://tax.example.com/v1/orders/{{ID}}/tax"
                    headers:
                      Authorization: "Bearer ${env:TAX_API_TOKEN}"
                    body: "{ 'lines': Lines.{ 'amount': Total } }"
                    timeout: 2s
                    cache: { key: "ID", ttl: 10m, maxEntries: 100 }
                  aggregationStrategy: "$merge([$, {'Tax': $response.totalTax}])"
              - transform: { mapping: m.jsonata }
              - to: { system: salesforce }
            """;

    private FlowSpec loadWithEnv(String yaml, Map<String, String> env) {
        return new FlowLoader(CATALOG, env::get).load("f.yaml", yaml, name -> Optional.of("{}"));
    }

    private FlowFileException problemsWithEnv(String yaml, Map<String, String> env) {
        return (FlowFileException) org.assertj.core.api.Assertions.catchThrowable(() -> loadWithEnv(yaml, env));
    }

    @Test
    void splitAndAggregateLoadAndTheirExpressionsAreCompiled() {
        FlowSpec spec = load(SPLIT, Map.of("m.jsonata", "{}"));
        assertThat(spec.definition().steps()).extracting(s -> s.kind())
                .containsExactly("fetch", "split", "filter", "aggregate", "transform", "to");
        assertThat(spec.expression("Lines")).isNotNull();
        assertThat(spec.expression("$merge([$parent, {'Lines': $}])")).isNotNull();
    }

    @Test
    void badSplitAndAggregateOptionsAreLocated() {
        FlowFileException e = problems(SPLIT.replace("maxParts: 500", "maxPart: 500"), Map.of("m.jsonata", "{}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("unknown key 'maxPart'");
        });
        e = problems(SPLIT.replace("maxParts: 500", "maxParts: many"), Map.of("m.jsonata", "{}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("integer");
        });
        e = problems(SPLIT.replace("maxParts: 500", "maxParts: 0"), Map.of("m.jsonata", "{}"));
        assertThat(e.getMessage()).contains("f.yaml:5:", "maxParts must be at least 1");
        e = problems(SPLIT.replace("\"Lines\"", "\"Lines[\""), Map.of("m.jsonata", "{}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("JSONata in steps.1.split.expression");
        });
        e = problems(SPLIT.replace("$merge([$parent, {'Lines': $}])", "$merge([$parent, "), Map.of("m.jsonata", "{}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.message()).contains("JSONata in steps.3.aggregate.aggregationStrategy");
        });
        e = problems(SPLIT.replace("aggregationStrategy: \"$merge([$parent, {'Lines': $}])\"", "into: record"), Map.of("m.jsonata", "{}"));
        assertThat(e.getMessage()).contains("f.yaml:7:", "enumeration", "body", "plan");
    }

    @Test
    void anAggregateWithoutASplitIsRefusedAndASplitWithoutAnAggregateRunsToTheEnd() {
        FlowFileException e = problems(SPLIT.replace("  - split: { expression: \"Lines\", maxParts: 500 }\n", ""),
                Map.of("m.jsonata", "{}"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.message()).contains("no open split before it");
        });
        FlowSpec open = load(SPLIT.replace("  - aggregate: { aggregationStrategy: \"$merge([$parent, {'Lines': $}])\" }\n", ""),
                Map.of("m.jsonata", "{}"));
        assertThat(open.definition().steps()).hasSize(5);
    }

    @Test
    void anHttpEnrichResolvesItsCredentialFromTheEnvironmentAndNeverShowsIt() {
        FlowSpec spec = loadWithEnv(HTTP, Map.of("TAX_API_TOKEN", "s3cr3t-token"));
        assertThat(spec.secrets().resolve("Bearer ${env:TAX_API_TOKEN}", v -> v)).isEqualTo("Bearer s3cr3t-token");
        assertThat(spec.toString()).doesNotContain("s3cr3t-token");
        assertThat(spec.definition().toString()).doesNotContain("s3cr3t-token").contains("${env:TAX_API_TOKEN}");
        assertThat(spec.secrets().redact("echo: Bearer s3cr3t-token")).isEqualTo("echo: Bearer ***");
    }

    @Test
    void aMissingOrEmptyEnvironmentVariableIsALoadErrorAtTheHeader() {
        FlowFileException e = problemsWithEnv(HTTP, Map.of());
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(10);
            assertThat(p.column()).isEqualTo(11);
            assertThat(p.message()).contains("environment variable TAX_API_TOKEN", "not set");
        });
        assertThat(problemsWithEnv(HTTP, Map.of("TAX_API_TOKEN", "")).getMessage()).contains("f.yaml:10:11", "is empty");
        assertThat(problemsWithEnv(HTTP.replace("${env:TAX_API_TOKEN}", "${env:TAX-TOKEN}"), Map.of()).getMessage())
                .contains("f.yaml:10:11", "a credential reference is written ${env:NAME}");
    }

    @Test
    void badHttpEnrichOptionsAreLocated() {
        Map<String, String> env = Map.of("TAX_API_TOKEN", "t");
        assertThat(problemsWithEnv(HTTP.replace("timeout: 2s", "timeout: 2 s"), env).getMessage()).contains("f.yaml:12:", "timeout");
        assertThat(problemsWithEnv(HTTP.replace("timeout: 2s", "timeout: 1h"), env).getMessage()).contains("f.yaml:12:", "at most 5m");
        assertThat(problemsWithEnv(HTTP.replace("timeout: 2s", "timout: 2s"), env).getMessage()).contains("f.yaml:12:", "unknown key 'timout'");
        assertThat(problemsWithEnv(HTTP.replace("method: POST", "method: FETCH"), env).getMessage()).contains("f.yaml:7:", "GET");
        assertThat(problemsWithEnv(HTTP.replace("maxEntries: 100", "maxEntries: \"lots\""), env).getMessage()).contains("f.yaml:13:", "integer");
        assertThat(problemsWithEnv(HTTP.replace("https://tax", "ftp://tax"), env).getMessage()).contains("f.yaml:8:", "https://");
        assertThat(problemsWithEnv(HTTP.replace("{{ID}}", "{{ID[}}"), env).getMessage()).contains("f.yaml:8:", "JSONata in steps.1.enrich.http.url");
        assertThat(problemsWithEnv(HTTP.replace("Lines.{ 'amount': Total }", "Lines.{ 'amount' Total }"), env).getMessage())
                .contains("f.yaml:11:", "JSONata in steps.1.enrich.http.body");
        assertThat(problemsWithEnv(HTTP.replace("Authorization:", "Host:"), env).getMessage()).contains("f.yaml:10:", "set by the HTTP client");
        assertThat(problemsWithEnv(HTTP.replace("      aggregationStrategy: \"$merge([$, {'Tax': $response.totalTax}])\"\n", ""), env)
                .getMessage()).contains("f.yaml:5:", "needs an aggregationStrategy");
        assertThat(problemsWithEnv(HTTP.replace("  - enrich:\n", "  - enrich:\n      using: salesforce.pricebookEntries\n"), env)
                .getMessage()).contains("f.yaml:5:", "exactly one source");
        assertThat(problemsWithEnv(HTTP.replace("cache: { key: \"ID\",", "cache: { key: \"ID(\","), env).getMessage())
                .contains("f.yaml:13:", "JSONata in steps.1.enrich.http.cache.key");
    }
}
