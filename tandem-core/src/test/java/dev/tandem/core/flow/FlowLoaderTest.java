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

    private final FlowLoader loader = new FlowLoader(new FlowCatalog(Set.of("clarity", "salesforce"),
            Set.of("salesforce", "clarity"), Set.of("salesforce.pricebookEntries", "salesforce.recordTypes")));

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
                "enrich", "\"to\"", "deadLetterChannel", "maximumRedeliveries");
    }
}
