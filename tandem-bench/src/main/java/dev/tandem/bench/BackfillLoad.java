package dev.tandem.bench;

import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.cli.Main;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 11 item 8: {@code tandem backfill customers} of a generated store of {@code --customers} customers against
 * the Salesforce sandbox (Bulk API 2.0), in ONE JVM with both sandboxes (the harness, both emulators and Tandem
 * share the cores and the heap, so the numbers are conservative). Runs the real command ({@code Main}, the CLI's
 * entry point) on a fresh store and reports the wall time, customers/s, Contacts in the sandbox afterwards, and the
 * process's heap and RSS sampled every 100 ms: the peak and the peak of each quarter of the run, which stays flat
 * when the backfill streams (one chunk in memory at a time) instead of growing with the store. The Salesforce
 * sandbox keeps every record in memory, so its share of the heap grows with the records written; the quarters
 * show that growth too.
 *
 * <pre>java -Xmx2g -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.BackfillLoad --customers 100000 [--chunk 5000]</pre>
 */
public final class BackfillLoad {

    private BackfillLoad() {
    }

    public static void main(String[] args) throws Exception {
        int customers = 100_000;
        int chunk = 5_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--customers" -> customers = Integer.parseInt(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--help" -> {
                    System.out.println("BackfillLoad --customers N [--chunk N]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("tandem-backfill-bench");
        long genStart = System.nanoTime();
        try (SalesforceSandbox salesforce = SalesforceSandbox.builder().port(0).dailyApiLimit(10_000_000).build().start();
             ClaritySandbox clarity = ClaritySandbox.builder().port(0).seed(42).customers(customers).products(10)
                     .build().start()) {
            double genSeconds = (System.nanoTime() - genStart) / 1e9;
            Path config = Files.writeString(dir.resolve("tandem.yaml"), """
                    store:
                      path: %s
                    clarity:
                      baseUrl: %s
                      username: %s
                      password: %s
                      webhook:
                        secrets: [ "whsec-bench-0123456789" ]
                    salesforce:
                      tokenUrl: %s
                      clientId: %s
                      clientSecret: %s
                    """.formatted(dir.resolve("tandem.db"), clarity.baseUrl(), clarity.user(), clarity.password(),
                    salesforce.tokenUrl(), salesforce.clientId(), salesforce.clientSecret()));
            System.gc();
            List<long[]> samples = new ArrayList<>(); // nanos, heap used, rss
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    synchronized (samples) {
                        samples.add(new long[]{System.nanoTime(), ManagementFactory.getMemoryMXBean()
                                .getHeapMemoryUsage().getUsed(), rssBytes()});
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long start = System.nanoTime();
            PrintWriter out = new PrintWriter(System.out, true);
            var cli = Main.commandLine();
            cli.setOut(out);
            cli.setErr(new PrintWriter(System.err, true));
            int exit = cli.execute("backfill", "customers", "--config", config.toString(), "--chunk",
                    String.valueOf(chunk), "--report", dir.resolve("report.json").toString());
            long end = System.nanoTime();
            sampler.interrupt();
            sampler.join();
            double seconds = (end - start) / 1e9;
            int contacts = salesforce.records("Contact").size();
            long[] peakQuarter = new long[4];
            long[] rssQuarter = new long[4];
            long peakHeap = 0;
            long peakRss = 0;
            synchronized (samples) {
                for (long[] s : samples) {
                    int q = (int) Math.min(3, Math.max(0, (s[0] - start) * 4 / Math.max(1, end - start)));
                    peakQuarter[q] = Math.max(peakQuarter[q], s[1]);
                    rssQuarter[q] = Math.max(rssQuarter[q], s[2]);
                    peakHeap = Math.max(peakHeap, s[1]);
                    peakRss = Math.max(peakRss, s[2]);
                }
            }
            System.out.printf(Locale.ROOT, "{\"customers\": %d, \"chunk\": %d, \"exit\": %d, \"seconds\": %.1f, "
                            + "\"customersPerSecond\": %.0f, \"contactsInSalesforce\": %d, \"generateSeconds\": %.1f, "
                            + "\"peakHeapMiB\": %d, \"peakHeapPerQuarterMiB\": [%d, %d, %d, %d], \"peakRssMiB\": %d, "
                            + "\"peakRssPerQuarterMiB\": [%d, %d, %d, %d], \"maxHeapMiB\": %d, \"cpus\": %d}%n",
                    customers, chunk, exit, seconds, customers / seconds, contacts, genSeconds, mib(peakHeap),
                    mib(peakQuarter[0]), mib(peakQuarter[1]), mib(peakQuarter[2]), mib(peakQuarter[3]), mib(peakRss),
                    mib(rssQuarter[0]), mib(rssQuarter[1]), mib(rssQuarter[2]), mib(rssQuarter[3]),
                    mib(Runtime.getRuntime().maxMemory()), Runtime.getRuntime().availableProcessors());
            System.out.println(Files.readString(dir.resolve("report.json")));
        }
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** The resident set size from /proc/self/status (Linux), or 0 elsewhere. */
    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
