package dev.tandem.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "server", "sandbox", "sandbox salesforce", "sandbox clarity", "config",
            "config docs", "status", "tokens", "tokens create", "tokens list", "tokens revoke"})
    void everyCommandHasHelp(String command) {
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        CliRun r = run(args);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: tandem");
    }

    @Test
    void configDocsPrintsTheTablesAndRewritesAFileBetweenItsMarkers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        CliRun printed = run("config", "docs");
        assertThat(printed.exitCode()).isZero();
        assertThat(printed.out()).contains("| `server.port` | int 0–65535 | `8080` |");

        java.nio.file.Path doc = dir.resolve("configuration.md");
        java.nio.file.Files.writeString(doc, "intro\n" + dev.tandem.server.config.ConfigDocs.BEGIN + "\nstale\n"
                + dev.tandem.server.config.ConfigDocs.END + "\noutro\n");
        CliRun written = run("config", "docs", "--write", doc.toString());
        assertThat(written.exitCode()).isZero();
        assertThat(written.out()).contains("tables rewritten");
        assertThat(java.nio.file.Files.readString(doc)).startsWith("intro\n").endsWith("outro\n")
                .contains(printed.out()).doesNotContain("stale");
        assertThat(run("config", "docs", "--write", doc.toString()).out()).contains("is up to date");

        java.nio.file.Path plain = dir.resolve("plain.md");
        java.nio.file.Files.writeString(plain, "no markers\n");
        CliRun refused = run("config", "docs", "--write", plain.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("BEGIN GENERATED");
        assertThat(java.nio.file.Files.readString(plain)).isEqualTo("no markers\n");
        assertThat(run("config", "docs", "--write", dir.resolve("nope.md").toString()).exitCode()).isEqualTo(1);
    }

    @Test
    void theDemoDocumentsItsOptions() {
        assertThat(run("demo", "--help").out()).contains("--orders", "--rate", "--exit", "--report");
    }

    @Test
    void anUnknownOptionIsAClearErrorNotAStackTrace() {
        CliRun r = run("demo", "--orderz", "5");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'--orderz'", "Possible solutions: --orders");
    }

    @Test
    void aMissingConfigFileIsReportedByName() {
        CliRun r = run("server", "--config", "/nonexistent/tandem.yaml");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent/tandem.yaml").doesNotContain("Exception");
    }

    @Test
    void sandboxFlagsOutOfRangeAreRefusedBeforeAnythingStarts() {
        CliRun sf = run("sandbox", "salesforce", "--port", "0", "--error-rate", "1.5");
        assertThat(sf.exitCode()).isEqualTo(1);
        assertThat(sf.err()).contains("--error-rate");
        CliRun clarity = run("sandbox", "clarity", "--port", "0", "--orders", "-1");
        assertThat(clarity.exitCode()).isEqualTo(1);
        assertThat(clarity.err()).contains("--orders");
    }

    @Test
    void demoOptionsOutOfRangeAreRefused() {
        CliRun r = run("demo", "--rate", "0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--rate");
    }

    @Test
    void flowsValidateNamesFileLineAndColumnOfEveryProblemAndExitsOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("bad.yaml"), """
                id: bad-flow
                from: { system: clarity, events: [SalesOrder.Created] }
                steps:
                  - transform: { mapping: bad.jsonata }
                  - to: { system: nowhere }
                """);
        java.nio.file.Files.writeString(dir.resolve("bad.jsonata"), "{ \"a\": $x( }");
        java.nio.file.Files.writeString(dir.resolve("broken.yml"), "id: [unclosed\n");
        CliRun r = run("flows", "validate", dir.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("bad.jsonata:1:", "JSONata", "bad.yaml:5:", "no connector can write to system 'nowhere'",
                "broken.yml:", "not valid YAML", "0 flow(s) valid");
        assertThat(run("flows", "validate", dir.resolve("missing.yaml").toString()).err()).contains("does not exist");
    }

    @Test
    void flowsDiffShowsDefinitionChangesByPathAndMappingChangesAsAUnifiedDiff(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path a = dir.resolve("a");
        java.nio.file.Path b = dir.resolve("b");
        java.nio.file.Files.createDirectories(a);
        java.nio.file.Files.createDirectories(b);
        String flow = """
                id: demo-flow
                # a comment, which makes no difference
                from: { system: clarity, events: [SalesOrder.Created] }
                steps:
                  - validate:
                      rules:
                        - { rule: "Total >= 0", code: NEGATIVE, message: "negative total" }
                  - transform: { mapping: m.jsonata }
                  - to: { system: salesforce }
                """;
        java.nio.file.Files.writeString(a.resolve("flow.yaml"), flow);
        java.nio.file.Files.writeString(a.resolve("m.jsonata"), "{\n  \"root\": \"o\",\n  \"records\": []\n}\n");
        // B: same flow written differently (key order, no comment): no difference
        java.nio.file.Files.writeString(b.resolve("flow.yaml"), """
                from: { events: [SalesOrder.Created], system: clarity }
                id: demo-flow
                steps:
                  - validate:
                      rules:
                        - { code: NEGATIVE, rule: "Total >= 0", message: "negative total" }
                  - transform: { mapping: m.jsonata }
                  - to: { system: salesforce }
                """);
        java.nio.file.Files.copy(a.resolve("m.jsonata"), b.resolve("m.jsonata"));
        CliRun same = run("flows", "diff", a.resolve("flow.yaml").toString(), b.resolve("flow.yaml").toString());
        assertThat(same.exitCode()).as(same.out() + same.err()).isZero();
        assertThat(same.out()).contains("no differences");

        // now a changed message, a new step and a changed mapping line
        java.nio.file.Files.writeString(b.resolve("flow.yaml"), flow.replace("negative total", "the total is negative")
                .replace("  - to: { system: salesforce }", "  - filter: { when: \"Total > 0\", reason: zero }\n  - to: { system: salesforce }"));
        java.nio.file.Files.writeString(b.resolve("m.jsonata"), "{\n  \"root\": \"order\",\n  \"records\": []\n}\n");
        CliRun diff = run("flows", "diff", a.resolve("flow.yaml").toString(), b.resolve("flow.yaml").toString());
        assertThat(diff.exitCode()).as(diff.out() + diff.err()).isEqualTo(1);
        assertThat(diff.out()).contains(
                "~ steps[0].validate.rules[0].message: \"negative total\" → \"the total is negative\"",
                "steps[2]", "filter", "+ steps[3]",
                "--- a/m.jsonata", "+++ b/m.jsonata", "-  \"root\": \"o\",", "+  \"root\": \"order\",");

        // a file that does not load: exit 2 with its problem, never a stack trace
        java.nio.file.Files.writeString(b.resolve("flow.yaml"), "id: [unclosed\n");
        CliRun broken = run("flows", "diff", a.resolve("flow.yaml").toString(), b.resolve("flow.yaml").toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("flow.yaml", "not valid YAML", "cannot compare");
    }

    @Test
    void theShippedFlowsValidateAndAreListed() {
        CliRun validate = run("flows", "validate");
        assertThat(validate.exitCode()).isZero();
        CliRun list = run("flows", "list");
        assertThat(list.out()).contains("clarity-order-to-salesforce", "clarity-order-to-opportunity", "false");
        assertThat(run("flows", "show", "nope").exitCode()).isEqualTo(1);
        assertThat(run("flows", "schema").out()).contains("\"$schema\"", "idempotentConsumer");
    }

    @Test
    void mapPreviewPrintsThePlanAndRefusesRecordsThatAreNotJsonObjects(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path order = dir.resolve("order.json");
        try (var in = CliTest.class.getResourceAsStream("/orders/order-5001.json")) {
            java.nio.file.Files.write(order, in.readAllBytes());
        }
        CliRun ok = run("map", "preview", "--flow", "clarity-order-to-salesforce", "--record", order.toString());
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("\"Clarity_Order_Key__c\"", "SO-5001-TAX", "would write the plan above");

        java.nio.file.Files.writeString(order, "[1, 2]");
        assertThat(run("map", "preview", "--flow", "clarity-order-to-salesforce", "--record", order.toString()).err())
                .contains("must hold one JSON object");
        java.nio.file.Files.writeString(order, "{ not json");
        assertThat(run("map", "preview", "--flow", "clarity-order-to-salesforce", "--record", order.toString()).err())
                .contains("is not JSON");
        java.nio.file.Files.writeString(order, "{\"ID\": 1, \"CustomKey\": \"SO-1\", \"Totals\": {\"Total\": -5}}");
        CliRun bad = run("map", "preview", "--flow", "clarity-order-to-salesforce", "--record", order.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).contains("BUSINESS_RULE_VIOLATION", "negative total");
    }

    @Test
    void validateAgainstSalesforceChecksEveryObjectAndFieldTheFlowsWriteAgainstTheOrgsDescribe(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        try (dev.tandem.sandbox.salesforce.SalesforceSandbox sf = dev.tandem.sandbox.salesforce.SalesforceSandbox.builder()
                .port(0).build().start()) {
            java.nio.file.Path config = dir.resolve("tandem.yaml");
            java.nio.file.Files.writeString(config, """
                    clarity: { baseUrl: "http://127.0.0.1:9/api", username: u, password: p, webhook: { secrets: [s] } }
                    salesforce: { tokenUrl: "%s", clientId: "%s", clientSecret: "%s" }
                    """.formatted(sf.tokenUrl(), sf.clientId(), sf.clientSecret()));
            CliRun shipped = run("flows", "validate", "--against", "salesforce", "--config", config.toString());
            assertThat(shipped.out()).contains("0 problem(s)");
            assertThat(shipped.exitCode()).isZero();

            java.nio.file.Path flows = java.nio.file.Files.createDirectories(dir.resolve("flows"));
            for (String name : java.util.List.of("clarity-order-to-salesforce.yaml", "clarity-order.example.json")) {
                try (var in = CliTest.class.getClassLoader().getResourceAsStream("flows/" + name)) {
                    java.nio.file.Files.write(flows.resolve(name), in.readAllBytes());
                }
            }
            try (var in = CliTest.class.getClassLoader().getResourceAsStream("flows/clarity-order-to-salesforce.jsonata")) {
                String mapping = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("\"PoNumber\"", "\"PoNumbr\"");
                java.nio.file.Files.writeString(flows.resolve("clarity-order-to-salesforce.jsonata"), mapping);
            }
            CliRun typo = run("flows", "validate", "--against", "salesforce", "--config", config.toString(), flows.toString());
            assertThat(typo.exitCode()).isEqualTo(1);
            assertThat(typo.out()).containsPattern("clarity-order-to-salesforce\\.jsonata:\\d+:\\d+: Order has no field PoNumbr");

            assertThat(run("flows", "validate", "--against", "salesforce").err()).contains("needs --config");
            assertThat(run("flows", "validate", "--against", "sap", "--config", config.toString()).err()).contains("takes salesforce");
        }
    }
}
