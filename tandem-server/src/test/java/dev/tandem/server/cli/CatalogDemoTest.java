package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.demo.CatalogDemo;
import dev.tandem.server.demo.CatalogReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tandem demo --scenario catalog --exit --report FILE} end to end, as a user runs it (small): the report's
 * counts are checked against what the two sandboxes hold (read in process here, the demo read them over their
 * APIs), and the exit status against the report.
 */
class CatalogDemoTest {

    /** What the sandboxes hold once the demo reported, read in process while they are still up. */
    private record Held(int clarityProducts, int product2, int entries, List<String> disagreements,
                        long salesforceRequests) {
    }

    private static Held held(CatalogDemo demo) {
        ClaritySandbox clarity = demo.clarity();
        SalesforceSandbox salesforce = demo.salesforce();
        Map<String, Map<String, Object>> product2ByKey = new HashMap<>();
        int product2 = 0;
        for (Map<String, Object> p : salesforce.records("Product2")) {
            if (p.get("Clarity_Product_Key__c") != null) {
                product2++;
                product2ByKey.put(p.get("Clarity_Product_Key__c").toString(), p);
            }
        }
        Map<String, Map<String, Object>> entryByKey = new HashMap<>();
        for (Map<String, Object> e : salesforce.records("PricebookEntry")) {
            if (e.get("Clarity_Price_Key__c") != null) {
                entryByKey.put(e.get("Clarity_Price_Key__c").toString(), e);
            }
        }
        List<String> disagreements = new ArrayList<>();
        List<ProductModel> products = clarity.store().products().all();
        for (ProductModel p : products) {
            Map<String, Object> sf = product2ByKey.get(p.customKey());
            if (sf == null) {
                disagreements.add(p.customKey() + ": no Product2");
                continue;
            }
            BigDecimal onHand = clarity.inventory().calculate(p.id()).quantityOnHand();
            if (sf.get("Clarity_Quantity_On_Hand__c") == null
                    || new BigDecimal(sf.get("Clarity_Quantity_On_Hand__c").toString()).compareTo(onHand) != 0) {
                disagreements.add(p.customKey() + ": quantity " + sf.get("Clarity_Quantity_On_Hand__c") + " != " + onHand);
            }
            BigDecimal base = clarity.products().price(p.id()).orElseThrow().basePrice();
            Map<String, Object> entry = entryByKey.get(p.customKey() + "|standard");
            if (entry == null || new BigDecimal(entry.get("UnitPrice").toString()).compareTo(base) != 0) {
                disagreements.add(p.customKey() + ": price " + (entry == null ? null : entry.get("UnitPrice")) + " != " + base);
            }
            boolean active = p.active() && !p.isDiscontinued();
            if (!Boolean.valueOf(active).equals(sf.get("IsActive"))) {
                disagreements.add(p.customKey() + ": IsActive " + sf.get("IsActive") + " != " + active);
            }
        }
        return new Held(products.size(), product2, entryByKey.size(), disagreements, salesforce.apiRequestCount());
    }

    private record Run(int code, JsonNode report, Held held, String out) {
    }

    private static Run run(Path dir, String... extra) throws Exception {
        Path report = dir.resolve("catalog.json");
        AtomicReference<Held> held = new AtomicReference<>();
        CommandLine cli = new CommandLine(new DemoCommand((demo, result) -> held.set(held(demo))));
        List<String> args = new ArrayList<>(List.of("--scenario", "catalog", "--products", "6", "--price-changes", "4",
                "--deactivations", "1", "--bursts", "2", "--burst-size", "60", "--rate", "40", "--exit",
                "--data-dir", dir.resolve("data").toString(), "--report", report.toString(), "--timeout", "60"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = cli.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(report).as(out).exists();
        return new Run(code, new ObjectMapper().readTree(report.toFile()), held.get(), out);
    }

    @Test
    void productsPricesDeactivationsAndStockBurstsSettleWithTheReportMatchingBothSandboxesAndExitZero(@TempDir Path dir)
            throws Exception {
        Run run = run(dir);
        JsonNode r = run.report();
        Held held = run.held();

        assertThat(held.disagreements()).as(run.out()).isEmpty();
        assertThat(r.path("priceMismatches").asInt()).as(run.out()).isZero();
        assertThat(r.path("quantityMismatches").asInt()).as(run.out()).isZero();
        assertThat(r.path("statusMismatches").asInt()).isZero();
        assertThat(r.path("missingInSalesforce").asInt()).isZero();
        assertThat(r.path("duplicates").asInt()).isZero();
        assertThat(run.code()).as(run.out()).isZero();
        // The report's counts are what the sandboxes hold.
        assertThat(r.path("products").asInt()).isEqualTo(held.clarityProducts()).isEqualTo(6);
        assertThat(r.path("salesforceProducts").asInt()).isEqualTo(held.product2()).isEqualTo(6);
        assertThat(r.path("pricebookEntries").asInt()).as("the shipped flow writes the standard entry only")
                .isEqualTo(held.entries()).isEqualTo(6);
        assertThat(r.path("salesforceApiCalls").asLong()).isPositive()
                .as("Tandem's calls, counted before the report's own reads")
                .isLessThan(held.salesforceRequests());
        // What the demo did, all of it seen by Tandem.
        assertThat(r.path("created").asInt()).isEqualTo(6);
        assertThat(r.path("priceChanges").asInt()).isEqualTo(4);
        assertThat(r.path("deactivated").asInt()).isEqualTo(1);
        int locations = 3; // the Clarity sandbox's default warehouses: every new product gets stock in each
        assertThat(r.path("stockChanges").asInt()).isEqualTo(6 * locations + 2 * 60);
        // Every change reached Tandem; a product's first stock in a location is two events (the stock row created,
        // then its quantity set).
        assertThat(r.path("stockEventsReceived").asInt()).isBetween(r.path("stockChanges").asInt(),
                r.path("stockChanges").asInt() + 6 * locations);
        assertThat(r.path("eventsCoalesced").asInt()).as("at least one stock write, for each product")
                .isBetween(0, r.path("stockEventsReceived").asInt() - 6);
        assertThat(run.out()).contains("price changes", "stock changes", "coalesced", "Salesforce API calls",
                "Both systems agree");
    }

    @Test
    void aPriceChangedInSalesforceBehindTandemsBackIsReportedAsAMismatchAndTheExitIsNotZero(@TempDir Path dir)
            throws Exception {
        Run run = run(dir, "--inject-drift", "price");
        JsonNode r = run.report();

        assertThat(r.path("priceMismatches").asInt()).as(run.out()).isEqualTo(1);
        assertThat(r.path("quantityMismatches").asInt()).as(run.out()).isZero();
        assertThat(run.held().disagreements()).as("the in-process view sees the same one drift")
                .singleElement().asString().startsWith("DEMO-0001: price");
        assertThat(r.path("drift").asText()).isEqualTo("price");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).contains("THE SYSTEMS DISAGREE");
    }

    @Test
    void aQuantityChangedInSalesforceBehindTandemsBackIsReportedAsAMismatchAndTheExitIsNotZero(@TempDir Path dir)
            throws Exception {
        Run run = run(dir, "--inject-drift", "quantity");
        JsonNode r = run.report();

        assertThat(r.path("quantityMismatches").asInt()).as(run.out()).isEqualTo(1);
        assertThat(r.path("priceMismatches").asInt()).as(run.out()).isZero();
        assertThat(run.code()).isEqualTo(2);
    }

    @Test
    void anUnknownDriftIsRefused(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.commandLine().execute("demo", "--scenario", "catalog", "--inject-drift", "stock",
                    "--data-dir", dir.toString());
        } finally {
            System.setErr(original);
        }
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--inject-drift must be none, price or quantity");
    }
}
