package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.mapping.MappingDecisionStore;
import dev.tandem.core.mapping.MappingDecisionStore.Decision;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tandem map suggest}: JSON and table output, --write-mapping and its merge, remembered decisions, bad input. */
class MapSuggestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path resource(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = MapSuggestTest.class.getResourceAsStream("/suggest/" + name)) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private static Path config(Path dir) throws IOException {
        Path file = dir.resolve("tandem.yaml");
        Files.writeString(file, """
                store:
                  path: %s
                clarity: { baseUrl: "http://127.0.0.1:9/api", username: u, password: p, webhook: { secrets: [s] } }
                salesforce: { tokenUrl: "http://127.0.0.1:9/token", clientId: c, clientSecret: s }
                """.formatted(dir.resolve("data/tandem.db").toString().replace("\\", "/")));
        return file;
    }

    @Test
    void jsonRanksTargetsBestFirstWithScoresExpressionsAndReasons(@TempDir Path dir) throws Exception {
        Path records = resource(dir, "shopify-customers.json");
        Path describe = resource(dir, "contact-describe.json");

        CliRun r = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(), "--json", "--top", "2");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.path("email").get(0).path("target").asText()).isEqualTo("Email");
        assertThat(json.path("email").get(0).path("score").asDouble()).isGreaterThan(0.5);
        assertThat(json.path("email").get(0).path("expression").asText()).isEqualTo("email");
        assertThat(json.path("email").get(0).path("reasons").get(0).asText()).startsWith("name ");
        assertThat(json.path("email").size()).isLessThanOrEqualTo(2);
        assertThat(json.path("email").get(0).path("score").asDouble())
                .isGreaterThanOrEqualTo(json.path("email").path(1).path("score").asDouble(0));
        assertThat(json.path("accepts_marketing").get(0).path("expression").asText()).isEqualTo("$not(accepts_marketing)");
        assertThat(json.path("default_address.address1").get(0).path("target").asText()).isEqualTo("MailingStreet");
        // nothing above the floor for a Shopify id (no writable target takes it): the path is left out
        assertThat(json.has("id")).isFalse();
        assertThat(json.path("loyalty_points").path(0).path("score").asDouble(0)).isLessThan(0.5);
    }

    @Test
    void theTableNamesEveryFieldAndSaysWhenThereIsNoSuggestion(@TempDir Path dir) throws Exception {
        CliRun r = run("map", "suggest", "--records", resource(dir, "shopify-customers.json").toString(),
                "--target", resource(dir, "contact-describe.json").toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("SOURCE", "TARGET", "SCORE", "EXPRESSION", "REASONS")
                .contains("a score ≥ 0.5 is more likely right than wrong");
        assertThat(r.out().lines().filter(l -> l.startsWith("email ")).findFirst().orElseThrow()).contains("Email", "name 1.00");
        assertThat(r.out().lines().filter(l -> l.startsWith("id ")).findFirst().orElseThrow()).contains("no suggestion");
    }

    @Test
    void writeMappingWritesAMappingTheFlowLoaderAcceptsAndAMergeKeepsWhatAPersonWrote(@TempDir Path dir) throws Exception {
        Path records = resource(dir, "shopify-customers.json");
        Path describe = resource(dir, "contact-describe.json");
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Path mapping = flows.resolve("shopify-customer-to-contact.jsonata");

        CliRun first = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--write-mapping", mapping.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("wrote " + mapping);
        String text = Files.readString(mapping);
        assertThat(text).contains("\"Email\": email", "\"HasOptedOutOfEmail\": $not(accepts_marketing)",
                "\"keyField\": \"Clarity_Contact_Key__c\"", "\"key\": $string(id)", "$merge([$suggested, $yours])");
        assertThat(text).doesNotContain("\"Description\": favourite_colour").doesNotContain("loyalty_points\n");
        Files.writeString(flows.resolve("shopify-customer-to-contact.yaml"), """
                id: shopify-customer-to-contact
                name: Shopify customers → Salesforce Contacts (suggested mapping)
                enabled: false
                from: { system: clarity, events: [Customer.Changed] }
                steps:
                  - transform: { mapping: shopify-customer-to-contact.jsonata }
                  - to: { system: salesforce }
                """);
        CliRun validate = run("flows", "validate", flows.toString());
        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
        JsonNode plan = dev.tandem.core.mapping.JsonataMapping.compile("m", text)
                .apply(JSON.readTree(records.toFile()).get(1));
        JsonNode fields = plan.path("records").get(0).path("fields");
        assertThat(fields.path("Email").asText()).isEqualTo("asha@example.net");
        assertThat(fields.path("HasOptedOutOfEmail").asBoolean()).isFalse();
        assertThat(fields.path("MailingStreet").asText()).isEqualTo("10 Bay St\nUnit 5");
        assertThat(plan.path("records").get(0).path("key").asText()).isEqualTo("824213711");

        // a person moves Email into $yours with an expression of their own: it wins, and the next run keeps it
        Files.writeString(mapping, text.replace("$yours := {\n  };", "$yours := {\n    \"Email\": $lowercase($trim(email))\n  };"));
        CliRun second = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--write-mapping", mapping.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).contains("kept 1 field(s) written by you: Email");
        String merged = Files.readString(mapping);
        assertThat(merged).contains("\"Email\": $lowercase($trim(email))").doesNotContain("\"Email\": email");
        assertThat(merged).contains("\"FirstName\": first_name");
        assertThat(run("flows", "validate", flows.toString()).exitCode()).isZero();

        Files.writeString(mapping, "{ \"root\": \"x\" }");
        CliRun foreign = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--write-mapping", mapping.toString());
        assertThat(foreign.exitCode()).isEqualTo(2);
        assertThat(foreign.err()).contains("was not written by tandem map suggest");
    }

    @Test
    void acceptsAndRejectsAreRememberedPerSourceSystemAndMoveLaterScores(@TempDir Path dir) throws Exception {
        Path records = resource(dir, "shopify-customers.json");
        Path describe = resource(dir, "contact-describe.json");
        Path config = config(dir);

        CliRun decide = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--config", config.toString(), "--source-system", "shopify", "--json",
                "--accept", "favourite_colour=Description", "--reject", "email=Email");
        assertThat(decide.exitCode()).as(decide.err()).isZero();
        assertThat(decide.err()).contains("remembered 2 decision(s) for shopify → Contact");

        CliRun later = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--config", config.toString(), "--source-system", "shopify", "--json");
        JsonNode json = JSON.readTree(later.out());
        JsonNode colour = json.path("favourite_colour").get(0);
        assertThat(colour.path("target").asText()).isEqualTo("Description");
        assertThat(colour.path("score").asDouble()).isGreaterThan(0.5);
        assertThat(colour.path("reasons").get(0).asText()).isEqualTo("accepted before");
        for (JsonNode s : json.path("email")) {
            if (s.path("target").asText().equals("Email")) {
                assertThat(s.path("score").asDouble()).isLessThan(0.5);
                assertThat(s.path("reasons").get(0).asText()).isEqualTo("rejected before");
            }
        }
        // another source system has its own memory
        CliRun other = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--config", config.toString(), "--source-system", "woocommerce", "--json");
        assertThat(JSON.readTree(other.out()).path("email").get(0).path("target").asText()).isEqualTo("Email");

        // a written mapping counts as accepting what it wrote
        CliRun write = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--config", config.toString(), "--source-system", "woocommerce",
                "--write-mapping", dir.resolve("m.jsonata").toString());
        assertThat(write.exitCode()).as(write.err()).isZero();
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("data/tandem.db"))) {
            List<Decision> decisions = ((MappingDecisionStore) stores.stateStore()).decisions("woocommerce", "Contact");
            assertThat(decisions).extracting(Decision::sourcePath, Decision::targetField)
                    .contains(org.assertj.core.groups.Tuple.tuple("email", "Email"),
                            org.assertj.core.groups.Tuple.tuple("first_name", "FirstName"));
            assertThat(decisions).allMatch(Decision::accepted);
        }
    }

    @Test
    void targetObjectDescribesTheObjectInTheConfiguredOrg(@TempDir Path dir) throws Exception {
        try (SalesforceSandbox sf = SalesforceSandbox.builder().port(0).build().start()) {
            Path config = dir.resolve("tandem.yaml");
            Files.writeString(config, """
                    store: { path: "%s" }
                    clarity: { baseUrl: "http://127.0.0.1:9/api", username: u, password: p, webhook: { secrets: [s] } }
                    salesforce: { tokenUrl: "%s", clientId: "%s", clientSecret: "%s" }
                    """.formatted(dir.resolve("data/t.db").toString().replace("\\", "/"), sf.tokenUrl(), sf.clientId(), sf.clientSecret()));
            CliRun r = run("map", "suggest", "--records", resource(dir, "shopify-customers.json").toString(),
                    "--target-object", "Account", "--config", config.toString(), "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(JSON.readTree(r.out()).path("phone").get(0).path("target").asText()).isEqualTo("Phone");

            CliRun unknown = run("map", "suggest", "--records", resource(dir, "shopify-customers.json").toString(),
                    "--target-object", "Nope__c", "--config", config.toString());
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("cannot describe Nope__c");
        }
    }

    @Test
    void badInputExitsTwoWithAClearMessage(@TempDir Path dir) throws Exception {
        Path describe = resource(dir, "contact-describe.json");
        Path records = resource(dir, "shopify-customers.json");
        assertBad(dir, "not json {", describe, "is not JSON");
        assertBad(dir, "{\"email\": \"a@b.test\"}", describe, "must be a JSON array");
        assertBad(dir, "[]", describe, "empty array");
        assertBad(dir, "[\"a\", 1]", describe, "sample record 0 is not a JSON object");
        assertBad(dir, "[{\"na`me\": 1}]", describe, "key that cannot be mapped");
        assertBad(dir, "[{\"x\": " + "[".repeat(100) + "]".repeat(100) + "}]", describe, "is not JSON");
        Path big = dir.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50L * 1024 * 1024);
        }
        CliRun huge = run("map", "suggest", "--records", big.toString(), "--target", describe.toString());
        assertThat(huge.exitCode()).isEqualTo(2);
        assertThat(huge.err()).contains("has 52428800 bytes; at most 10485760");

        Path noFields = Files.writeString(dir.resolve("nofields.json"), "{\"name\": \"Contact\"}");
        assertBadTarget(records, noFields, "has no \"fields\" array");
        Path hostile = Files.writeString(dir.resolve("hostile.json"),
                "{\"name\": \"Contact\", \"fields\": [{\"name\": \"Email\\\": $eval('1') , \\\"x\", \"type\": \"email\"}]}");
        assertBadTarget(records, hostile, "has no usable name");
        assertBadTarget(records, dir.resolve("missing.json"), "is not a readable file");

        assertThat(run("map", "suggest", "--records", records.toString()).err()).contains("--target DESCRIBE.json or --target-object");
        assertThat(run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--target-object", "Contact").exitCode()).isEqualTo(2);
        assertThat(run("map", "suggest", "--records", records.toString(), "--target-object", "Contact",
                "--config", dir.resolve("nope.yaml").toString()).err()).contains("is not a readable file");
        CliRun top = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(), "--top", "0");
        assertThat(top.exitCode()).isEqualTo(2);
        assertThat(top.err()).contains("--top must be between 1 and 50");
        assertThat(run("map", "suggest", "--records", records.toString(), "--target", describe.toString(), "--threshold", "2").err())
                .contains("--threshold must be a score between 0 and 1");
        CliRun accept = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--config", config(dir).toString(), "--accept", "email");
        assertThat(accept.exitCode()).isEqualTo(2);
        assertThat(accept.err()).contains("--accept takes PATH=FIELD");
        assertThat(run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--config", config(dir).toString(), "--accept", "email=NoSuchField").err()).contains("Contact has no field NoSuchField");
        Files.delete(dir.resolve("tandem.yaml"));
        CliRun noStore = run("map", "suggest", "--records", records.toString(), "--target", describe.toString(), "--accept", "email=Email");
        assertThat(noStore.exitCode()).isEqualTo(2);
        assertThat(noStore.err()).contains("give --config tandem.yaml");
        assertThat(run("map", "suggest", "--records", records.toString(), "--target", describe.toString(),
                "--source-system", "Shop Ify").err()).contains("is not a name");
    }

    private static void assertBad(Path dir, String content, Path describe, String message) throws IOException {
        Path file = Files.writeString(dir.resolve("bad-" + Integer.toHexString(content.hashCode()) + ".json"), content);
        CliRun r = run("map", "suggest", "--records", file.toString(), "--target", describe.toString());
        assertThat(r.exitCode()).as(content).isEqualTo(2);
        assertThat(r.err()).as(content).startsWith("tandem map suggest: ").contains(message);
    }

    private static void assertBadTarget(Path records, Path describe, String message) {
        CliRun r = run("map", "suggest", "--records", records.toString(), "--target", describe.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }
}
