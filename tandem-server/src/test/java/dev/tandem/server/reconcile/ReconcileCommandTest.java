package dev.tandem.server.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.cli.Main;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tandem reconcile} on the command line against both sandboxes (no server): bad arguments, an unreachable or
 * refusing Salesforce (a clear error, exit 2, nothing enqueued), hostile values in the report, and a repair enqueued
 * into the store's event log when no server holds it.
 */
class ReconcileCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private SalesforceSandbox salesforce;
    private ClaritySandbox clarity;
    private Path config;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        salesforce = SalesforceSandbox.builder().port(0).build().start();
        clarity = ClaritySandbox.builder().port(0).seed(3).customers(5).products(12).build().start();
        config = config("tandem.yaml", salesforce.tokenUrl(), salesforce.clientSecret());
    }

    @AfterEach
    void stop() {
        clarity.close();
        salesforce.close();
    }

    private Path config(String name, String tokenUrl, String secret) throws IOException {
        return Files.writeString(dir.resolve(name), """
                store:
                  path: %s
                clarity:
                  baseUrl: %s
                  username: %s
                  password: %s
                  webhook:
                    secrets: [ "whsec-reconcile-test-0123" ]
                salesforce:
                  tokenUrl: %s
                  clientId: %s
                  clientSecret: %s
                  requestTimeout: 2s
                """.formatted(dir.resolve("tandem.db"), clarity.baseUrl(), clarity.user(), clarity.password(), tokenUrl,
                salesforce.clientId(), secret));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private long eventsInLog() {
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("tandem.db"))) {
            return stores.eventLog().endOffset();
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsRead() throws IOException {
        String cfg = config.toString();
        Run unknown = run("reconcile", "invoices", "--config", cfg);
        Run format = run("reconcile", "products", "--format", "xml", "--config", cfg);
        Run noDir = run("reconcile", "products", "--report", dir.resolve("no/such/dir/r.json").toString(),
                "--config", cfg);
        Run isDir = run("reconcile", "products", "--report", Files.createDirectories(dir.resolve("out")).toString(),
                "--config", cfg);
        Run page = run("reconcile", "products", "--page", "0", "--config", cfg);

        assertThat(List.of(unknown, format, noDir, isDir, page)).allSatisfy(r -> {
            assertThat(r.exit()).as(r.err()).isEqualTo(64);
            assertThat(r.err()).doesNotContain("Exception");
        });
        assertThat(unknown.err()).contains("unknown object 'invoices'", "customers, products, inventory, orders");
        assertThat(format.err()).contains("--format 'xml'", "table, json, csv");
        assertThat(noDir.err()).contains("does not exist");
        assertThat(isDir.err()).contains("is a directory");
        assertThat(salesforce.apiRequestCount()).as("nothing was read").isZero();
    }

    @Test
    void anUnreachableSalesforceIsAClearErrorWithExitTwoAndNothingEnqueued() throws IOException {
        Path unreachable = config("down.yaml", "http://127.0.0.1:9/services/oauth2/token", salesforce.clientSecret());

        Run r = run("reconcile", "products", "--repair", "--config", unreachable.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Salesforce could not be reached", "Nothing was compared or enqueued")
                .doesNotContain("Exception:");
        assertThat(r.out()).doesNotContain("drift");
        assertThat(eventsInLog()).isZero();
    }

    @Test
    void refusedCredentialsAreAConfigurationFaultWithExitTwoAndNothingEnqueued() throws IOException {
        Path wrong = config("wrong.yaml", salesforce.tokenUrl(), "not-the-secret");

        Run r = run("reconcile", "products", "--repair", "--config", wrong.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Salesforce refused the credentials").doesNotContain("not-the-secret");
        assertThat(eventsInLog()).isZero();
    }

    @Test
    void withNoServerHoldingTheStoreTheRepairIsEnqueuedInItsEventLogAndHostileValuesAreQuotedInTheCsv()
            throws Exception {
        assertThat(run("backfill", "products", "--config", config.toString()).exit()).isZero();
        var product = clarity.store().products().all().getFirst();
        Map<String, Object> entry = salesforce.records("PricebookEntry").stream()
                .filter(e -> (product.customKey() + "|standard").equals(e.get("Clarity_Price_Key__c")))
                .findFirst().orElseThrow();
        Map<String, Object> p2 = salesforce.records("Product2").stream()
                .filter(e -> product.customKey().equals(e.get("Clarity_Product_Key__c"))).findFirst().orElseThrow();
        String hostile = "=HYPERLINK(\"http://evil.example\",\"x\")\n\u001b[31m, \"quoted\"";
        var rest = new dev.tandem.server.reconcile.TestSalesforce(salesforce);
        // Name, which Clarity masters (the shipped product flow lets Salesforce win the Description: not drift).
        rest.update("Product2", String.valueOf(p2.get("Id")), JSON.createObjectNode().put("Name", hostile));
        rest.update("PricebookEntry", String.valueOf(entry.get("Id")),
                JSON.createObjectNode().put("UnitPrice", new BigDecimal("0.01")));
        Path csv = dir.resolve("drift.csv");

        Run r = run("reconcile", "products", "--repair", "--format", "csv", "--report", csv.toString(), "--config",
                config.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("repair enqueued 1 sync events").doesNotContain("\u001b");
        List<Map<String, String>> rows;
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv.toFile())) {
            rows = it.readAll();
        }
        assertThat(rows).extracting(m -> m.get("entity") + " " + m.get("field"))
                .containsExactlyInAnyOrder("Product2 Name", "PricebookEntry UnitPrice");
        Map<String, String> name = rows.stream().filter(m -> "Name".equals(m.get("field")))
                .findFirst().orElseThrow();
        assertThat(name.get("salesforceValue")).as("a formula a spreadsheet would run is defused")
                .isEqualTo("'" + hostile);
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("tandem.db"))) {
            var logged = stores.eventLog().readAfter(0, 10);
            assertThat(logged).singleElement().satisfies(e -> {
                assertThat(e.event().entityId()).isEqualTo(String.valueOf(product.id()));
                JsonNode repair = JSON.readTree(e.event().payload()).path(dev.tandem.core.sync.Reconciler.REPAIR);
                assertThat(repair.path("Product2").toString()).isEqualTo("[\"Name\"]");
                assertThat(repair.path("PricebookEntry").toString()).isEqualTo("[\"UnitPrice\"]");
            });
        }
        // Nothing processed the first repair (no server ran): a second run finds the same drift and enqueues it again,
        // as an event of its own (the flow writes the record once per event; the second finds it in sync).
        Run again = run("reconcile", "products", "--repair", "--config", config.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(eventsInLog()).isEqualTo(2);
    }
}
