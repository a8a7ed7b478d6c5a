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
 * <p>With {@code --sandboxes-in-processes} each sandbox runs in a child JVM ({@code tandem sandbox salesforce|clarity})
 * and the heap and RSS measured are the backfill's alone: the process that must stay flat.
 *
 * <pre>java -Xmx2g -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.BackfillLoad --customers 100000 [--chunk 5000] [--sandboxes-in-processes [--skip-duplicate-match]]</pre>
 */
public final class BackfillLoad {

    private BackfillLoad() {
    }

    public static void main(String[] args) throws Exception {
        int customers = 100_000;
        int chunk = 5_000;
        boolean processes = false;
        boolean skipMatch = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--customers" -> customers = Integer.parseInt(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--sandboxes-in-processes" -> processes = true;
                case "--skip-duplicate-match" -> skipMatch = true;
                case "--help" -> {
                    System.out.println("BackfillLoad --customers N [--chunk N]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("tandem-backfill-bench");
        if (processes) {
            runAgainstChildren(dir, customers, chunk, skipMatch);
            return;
        }
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

    /** Both sandboxes as child JVMs, then the backfill in this one, measuring this JVM only. */
    private static void runAgainstChildren(Path dir, int customers, int chunk, boolean skipMatch) throws Exception {
        int sfPort = freePort();
        int clPort = freePort();
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        long genStart = System.nanoTime();
        Process sf = new ProcessBuilder(javaBin, "-Xmx3g", "-cp", cp, "dev.tandem.server.cli.Main", "sandbox",
                "salesforce", "--port", String.valueOf(sfPort), "--daily-api-limit", "10000000")
                .redirectErrorStream(true).redirectOutput(dir.resolve("salesforce.log").toFile()).start();
        Process cl = new ProcessBuilder(javaBin, "-Xmx3g", "-cp", cp, "dev.tandem.server.cli.Main", "sandbox",
                "clarity", "--port", String.valueOf(clPort), "--customers", String.valueOf(customers),
                "--products", "10").redirectErrorStream(true).redirectOutput(dir.resolve("clarity.log").toFile())
                .start();
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            awaitUp(http, "http://127.0.0.1:" + sfPort + "/services/data/", sf);
            awaitUp(http, "http://127.0.0.1:" + clPort + "/", cl);
            double genSeconds = (System.nanoTime() - genStart) / 1e9;
            Path config = Files.writeString(dir.resolve("tandem.yaml"), """
                    store:
                      path: %s
                    clarity:
                      baseUrl: http://127.0.0.1:%d/DesktopModules/ClarityEcommerce/API
                      username: tandem
                      password: tandem-sandbox
                      webhook:
                        secrets: [ "whsec-bench-0123456789" ]
                    salesforce:
                      tokenUrl: http://127.0.0.1:%d/services/oauth2/token
                      clientId: tandem-sandbox
                      clientSecret: sandbox-secret
                    """.formatted(dir.resolve("tandem.db"), clPort, sfPort));
            measure(dir, config, customers, chunk, skipMatch, genSeconds, () -> contacts(http, sfPort));
        } finally {
            sf.destroy();
            cl.destroy();
            sf.waitFor();
            cl.waitFor();
        }
    }

    private static void measure(Path dir, Path config, int customers, int chunk, boolean skipMatch, double genSeconds,
                                java.util.concurrent.Callable<Integer> contacts) throws Exception {
        System.gc();
        List<long[]> samples = new ArrayList<>();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (samples) {
                    samples.add(new long[]{System.nanoTime(), ManagementFactory.getMemoryMXBean()
                            .getHeapMemoryUsage().getUsed(), rssBytes(), liveAfterGc()});
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long start = System.nanoTime();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(new PrintWriter(System.err, true));
        List<String> command = new ArrayList<>(List.of("backfill", "customers", "--config", config.toString(),
                "--chunk", String.valueOf(chunk), "--report", dir.resolve("report.json").toString()));
        if (skipMatch) {
            command.add("--skip-duplicate-match");
        }
        int exit = cli.execute(command.toArray(String[]::new));
        long end = System.nanoTime();
        sampler.interrupt();
        sampler.join();
        long[] heapQ = new long[4];
        long[] rssQ = new long[4];
        long[] liveQ = new long[4];
        synchronized (samples) {
            for (long[] s : samples) {
                int q = (int) Math.min(3, Math.max(0, (s[0] - start) * 4 / Math.max(1, end - start)));
                heapQ[q] = Math.max(heapQ[q], s[1]);
                rssQ[q] = Math.max(rssQ[q], s[2]);
                liveQ[q] = Math.max(liveQ[q], s[3]);
            }
        }
        double seconds = (end - start) / 1e9;
        System.out.printf(Locale.ROOT, "{\"customers\": %d, \"chunk\": %d, \"sandboxes\": \"child processes\", "
                        + "\"exit\": %d, \"seconds\": %.1f, \"customersPerSecond\": %.0f, \"contactsInSalesforce\": %d, "
                        + "\"generateSeconds\": %.1f, \"backfillJvmPeakHeapPerQuarterMiB\": [%d, %d, %d, %d], "
                        + "\"backfillJvmPeakRssPerQuarterMiB\": [%d, %d, %d, %d], "
                        + "\"backfillJvmHeapAfterGcPerQuarterMiB\": [%d, %d, %d, %d], \"maxHeapMiB\": %d, \"cpus\": %d}%n",
                customers, chunk, exit, seconds, customers / seconds, contacts.call(), genSeconds,
                mib(heapQ[0]), mib(heapQ[1]), mib(heapQ[2]), mib(heapQ[3]), mib(rssQ[0]), mib(rssQ[1]), mib(rssQ[2]),
                mib(rssQ[3]), mib(liveQ[0]), mib(liveQ[1]), mib(liveQ[2]), mib(liveQ[3]), mib(Runtime.getRuntime().maxMemory()), Runtime.getRuntime().availableProcessors());
        System.out.println(Files.readString(dir.resolve("report.json")));
    }

    /**
     * The heap the last collection left (the sum of every pool's usage after its last GC): the live set, which is
     * what must stay flat; used heap between collections grows with the young generation the JVM chooses.
     */
    private static long liveAfterGc() {
        long sum = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                sum += pool.getCollectionUsage().getUsed();
            }
        }
        return sum;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitUp(java.net.http.HttpClient http, String url, Process p) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("a sandbox exited: " + url);
            }
            try {
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("a sandbox did not come up: " + url);
    }

    /** {@code SELECT COUNT() FROM Contact} over the sandbox's REST API (client credentials). */
    private static int contacts(java.net.http.HttpClient http, int port) throws Exception {
        String base = "http://127.0.0.1:" + port;
        var token = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                        + "/services/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
                        + "&client_id=tandem-sandbox&client_secret=sandbox-secret")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String access = new com.fasterxml.jackson.databind.ObjectMapper().readTree(token.body()).path("access_token")
                .asText();
        var count = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                        + "/services/data/v64.0/query?q=SELECT+COUNT()+FROM+Contact"))
                .header("Authorization", "Bearer " + access).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(count.body()).path("totalSize").asInt(-1);
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
