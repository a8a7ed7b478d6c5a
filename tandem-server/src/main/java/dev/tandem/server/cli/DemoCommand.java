package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.demo.CatalogDemo;
import dev.tandem.server.demo.CatalogReport;
import dev.tandem.server.demo.Customer360Demo;
import dev.tandem.server.demo.Customer360Report;
import dev.tandem.server.demo.Demo;
import dev.tandem.server.demo.DemoReport;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts the Salesforce sandbox, the Clarity sandbox and Tandem in one process, generates orders "
                + "in Clarity and shows them becoming Salesforce Orders; --scenario customer360 syncs customers both "
                + "ways instead; --scenario catalog shows products, prices and stock following into Salesforce.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--scenario", defaultValue = "orders",
            description = "orders (Clarity orders → Salesforce), customer360 (customers both ways: registrations and "
                    + "profile updates in Clarity, a sales rep's phone changes in Salesforce) or catalog (products, "
                    + "prices, deactivations and stock bursts in Clarity → Salesforce) (default ${DEFAULT-VALUE})")
    String scenario;
    @Option(names = "--products", defaultValue = "20",
            description = "catalog: products added in Clarity, each with its first stock (default ${DEFAULT-VALUE})")
    int products;
    @Option(names = "--price-changes", defaultValue = "10",
            description = "catalog: price changes in Clarity (default ${DEFAULT-VALUE})")
    int priceChanges;
    @Option(names = "--deactivations", defaultValue = "2",
            description = "catalog: products deactivated in Clarity (default ${DEFAULT-VALUE})")
    int deactivations;
    @Option(names = "--bursts", defaultValue = "5",
            description = "catalog: bursts of stock changes (default ${DEFAULT-VALUE})")
    int bursts;
    @Option(names = "--burst-size", defaultValue = "200",
            description = "catalog: stock changes per burst, back to back (default ${DEFAULT-VALUE})")
    int burstSize;
    @Option(names = "--inject-drift", defaultValue = "none",
            description = "catalog: after settling, change one price or quantity directly in Salesforce, behind "
                    + "Tandem's back, to show the report catching it: none, price or quantity (default ${DEFAULT-VALUE})")
    String injectDrift;
    @Option(names = "--customers", defaultValue = "20",
            description = "customer360: customers registering in Clarity (default ${DEFAULT-VALUE})")
    int customers;
    @Option(names = "--profile-updates", defaultValue = "20",
            description = "customer360: phone changes customers make in their Clarity profile (default ${DEFAULT-VALUE})")
    int profileUpdates;
    @Option(names = "--rep-changes", defaultValue = "10",
            description = "customer360: phone changes a sales rep makes in Salesforce (default ${DEFAULT-VALUE})")
    int repChanges;
    @Option(names = "--orders", defaultValue = "100", description = "Orders to generate (default ${DEFAULT-VALUE})")
    int orders;
    @Option(names = "--rate", defaultValue = "20", description = "Orders per second; customer360: actions per second (default ${DEFAULT-VALUE})")
    double rate;
    @Option(names = "--exit", description = "Stop when every order is settled, print the summary, exit 0 if nothing was lost")
    boolean exit;
    @Option(names = "--report", paramLabel = "FILE", description = "Write the summary as JSON")
    Path report;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated data (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--fault-rate", defaultValue = "0.02",
            description = "Share of Salesforce requests failing transiently, to show retries (default ${DEFAULT-VALUE})")
    double faultRate;
    @Option(names = "--bad-data-rate", defaultValue = "0.05",
            description = "Share of orders generated with bad data (default ${DEFAULT-VALUE})")
    double badDataRate;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the store goes (default ./data/demo-<time>)")
    Path dataDir;
    @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait for settlement (default ${DEFAULT-VALUE})")
    long timeoutSeconds;
    @Option(names = "--ingest", defaultValue = "webhook",
            description = "How Clarity changes reach Tandem: webhook, poll or both (default ${DEFAULT-VALUE})")
    String ingest;
    @Option(names = "--verbose", description = "Show Tandem's log (warnings and dead letters) on stderr")
    boolean verbose;

    /** Runs with both sandboxes still up after the catalog demo's report: lets a test look at them. */
    private final java.util.function.BiConsumer<CatalogDemo, CatalogReport> afterCatalogReport;

    public DemoCommand() {
        this((demo, report) -> { });
    }

    DemoCommand(java.util.function.BiConsumer<CatalogDemo, CatalogReport> afterCatalogReport) {
        this.afterCatalogReport = afterCatalogReport;
    }

    @Override
    public Integer call() throws Exception {
        String which = scenario.trim().toLowerCase(java.util.Locale.ROOT);
        if (!which.equals("orders") && !which.equals("customer360") && !which.equals("catalog")) {
            throw new IllegalArgumentException("--scenario must be orders, customer360 or catalog, got '" + scenario
                    + "'");
        }
        if (orders < 0 || rate <= 0 || faultRate < 0 || faultRate >= 1 || badDataRate < 0 || badDataRate > 1) {
            throw new IllegalArgumentException("--orders must be >= 0, --rate > 0, --fault-rate in [0,1), --bad-data-rate in [0,1]");
        }
        if (!verbose && LoggerFactory.getLogger("dev.tandem") instanceof ch.qos.logback.classic.Logger logger) {
            // The progress line and the summary say what the log would; keep the terminal readable.
            logger.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        Path dir = dataDir != null ? dataDir
                : Path.of("data", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        if (which.equals("customer360")) {
            return customer360(dir);
        }
        if (which.equals("catalog")) {
            return catalog(dir);
        }
        TandemConfig.Ingest ingestMode;
        try {
            ingestMode = TandemConfig.Ingest.valueOf(ingest.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ingest must be webhook, poll or both, got '" + ingest + "'", e);
        }
        Demo.Options options = new Demo.Options(orders, rate, seed, faultRate, badDataRate, dir,
                Duration.ofSeconds(timeoutSeconds), ingestMode);
        Demo demo = new Demo(options, System.out, System.console() != null);
        DemoReport result;
        try {
            result = demo.run(exit);
            if (report != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), result);
                System.out.println("Report written to " + report);
            }
            if (!exit) {
                awaitShutdown();
            }
        } finally {
            demo.close();
        }
        return result.nothingLost() ? 0 : 2;
    }

    /** {@code --scenario customer360}: exit 0 only when both systems agree and Salesforce has no duplicates. */
    private int customer360(Path dir) throws Exception {
        Customer360Demo.Options options = new Customer360Demo.Options(customers, profileUpdates, repChanges, rate, seed,
                dir, Duration.ofSeconds(timeoutSeconds));
        Customer360Report result;
        try (Customer360Demo demo = new Customer360Demo(options, System.out, System.console() != null)) {
            result = demo.run(exit);
            if (report != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), result);
                System.out.println("Report written to " + report);
            }
            if (!exit) {
                awaitShutdown();
            }
        }
        return result.consistent() ? 0 : 2;
    }

    /** {@code --scenario catalog}: exit 0 only when every product, price and quantity agrees in both systems. */
    private int catalog(Path dir) throws Exception {
        CatalogDemo.Drift drift;
        try {
            drift = CatalogDemo.Drift.valueOf(injectDrift.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--inject-drift must be none, price or quantity, got '" + injectDrift
                    + "'", e);
        }
        CatalogDemo.Options options = new CatalogDemo.Options(products, priceChanges, deactivations, bursts, burstSize,
                rate, seed, dir, Duration.ofSeconds(timeoutSeconds), drift);
        CatalogReport result;
        try (CatalogDemo demo = new CatalogDemo(options, System.out, System.console() != null)) {
            result = demo.run(exit);
            if (report != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), result);
                System.out.println("Report written to " + report);
            }
            afterCatalogReport.accept(demo, result);
            if (!exit) {
                awaitShutdown();
            }
        }
        return result.consistent() ? 0 : 2;
    }

    private static void awaitShutdown() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        stopped.await();
    }
}
