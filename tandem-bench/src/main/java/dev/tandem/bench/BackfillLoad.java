package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.cli.Main;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 11 item 8: {@code tandem backfill customers} of a generated store of {@code --customers} customers against
 * the Salesforce sandbox (Bulk API 2.0). Runs the real command ({@code Main}, the CLI's entry point) on a fresh store
 * and prints one JSON object: wall time, customers/s, Contacts in the sandbox afterwards, the machine and its load,
 * and the memory of the JVM that ran the backfill, taken from what the JVM and the kernel track themselves (no
 * sampling thread):
 * <ul>
 *   <li>{@code peakHeapMiB}: the sum of every heap pool's peak usage ({@link MemoryPoolMXBean#getPeakUsage}, reset
 *       before the run); an upper bound of the used heap, which mostly measures the young generation the collector
 *       chose to fill between collections;</li>
 *   <li>{@code peakHeapAfterGcMiB}: the largest heap left after any collection during the run (GC notifications'
 *       {@code memoryUsageAfterGc}): the live set plus old-generation garbage a young collection does not reclaim;</li>
 *   <li>with {@code --live-set-every SECONDS}: {@code liveSetMiB}, the heap after a full collection
 *       ({@code System.gc()}, scheduled every so many seconds during the run, so the run pays for them): the live set
 *       itself, what must stay flat when the backfill streams;</li>
 *   <li>{@code peakRssMiB}: {@code VmHWM} of /proc/self/status, the resident set's high-water mark, reset before the
 *       run (writing 5 to /proc/self/clear_refs) when the kernel allows it ({@code rssPeakReset}).</li>
 * </ul>
 *
 * <p>By default both sandboxes run in this JVM, so the heap and RSS include the Salesforce sandbox, which keeps every
 * record it is sent in memory: they grow with the count, whatever Tandem does. With {@code --sandboxes-in-processes}
 * each sandbox is a child JVM ({@code tandem sandbox salesforce|clarity}): the memory is the backfill's alone, and the
 * CPU seconds of each process are reported ({@code /proc/PID/stat}), which says how much of the run is the sandboxes'
 * work. In both modes {@code backfillThreadCpuSeconds} is the CPU of the thread that runs Tandem's pipeline.
 *
 * <pre>java -Xmx2g -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.BackfillLoad --customers 100000 [--chunk 5000]
 *     [--sandboxes-in-processes] [--skip-duplicate-match] [--live-set-every 30]</pre>
 */
public final class BackfillLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds between the full collections that measure the live set; 0: none. */
    private static int liveSetEverySeconds;

    private BackfillLoad() {
    }

    public static void main(String[] args) throws Exception {
        int customers = 100_000;
        int chunk = 5_000;
        boolean processes = false;
        boolean skipMatch = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--live-set-every")) {
                liveSetEverySeconds = Integer.parseInt(args[++i]);
                continue;
            }
            switch (args[i]) {
                case "--customers" -> customers = Integer.parseInt(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--sandboxes-in-processes" -> processes = true;
                case "--skip-duplicate-match" -> skipMatch = true;
                case "--help" -> {
                    System.out.println("BackfillLoad --customers N [--chunk N] [--sandboxes-in-processes]"
                            + " [--skip-duplicate-match] [--live-set-every SECONDS]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("tandem-backfill-bench");
        System.err.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        if (processes) {
            runAgainstChildren(dir, customers, chunk, skipMatch);
        } else {
            runInProcess(dir, customers, chunk, skipMatch);
        }
    }

    private static void runInProcess(Path dir, int customers, int chunk, boolean skipMatch) throws Exception {
        long genStart = System.nanoTime();
        try (SalesforceSandbox salesforce = SalesforceSandbox.builder().port(0).dailyApiLimit(10_000_000).build().start();
             ClaritySandbox clarity = ClaritySandbox.builder().port(0).seed(42).customers(customers).products(10)
                     .build().start()) {
            double genSeconds = (System.nanoTime() - genStart) / 1e9;
            Path config = writeConfig(dir, clarity.baseUrl(), clarity.user(), clarity.password(), salesforce.tokenUrl(),
                    salesforce.clientId(), salesforce.clientSecret());
            ObjectNode result = measure(dir, config, customers, chunk, skipMatch);
            result.put("sandboxes", "in this JVM");
            result.put("generateSeconds", round(genSeconds));
            result.put("contactsInSalesforce", salesforce.records("Contact").size());
            print(dir, result);
        }
    }

    /** Both sandboxes as child JVMs, then the backfill in this one. */
    private static void runAgainstChildren(Path dir, int customers, int chunk, boolean skipMatch) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        long genStart = System.nanoTime();
        int sfPort = freePort();
        int clPort = freePort();
        Process sf = new ProcessBuilder(javaBin, "-Xmx3g", "-cp", cp, "dev.tandem.server.cli.Main", "sandbox",
                "salesforce", "--port", String.valueOf(sfPort), "--daily-api-limit", "10000000")
                .redirectErrorStream(true).start();
        Process cl = new ProcessBuilder(javaBin, "-Xmx3g", "-cp", cp, "dev.tandem.server.cli.Main", "sandbox",
                "clarity", "--port", String.valueOf(clPort), "--customers", String.valueOf(customers),
                "--products", "10").redirectErrorStream(true).start();
        try {
            // Each child prints "... sandbox at URL" once it listens (after generating the store): that line is the
            // signal, read from its output as it comes, which is also copied to a log file.
            CompletableFuture<Void> sfUp = readyLine(sf, "Salesforce sandbox at ", dir.resolve("salesforce.log"));
            CompletableFuture<Void> clUp = readyLine(cl, "Clarity sandbox at ", dir.resolve("clarity.log"));
            CompletableFuture.allOf(sfUp, clUp).get(10, TimeUnit.MINUTES);
            double genSeconds = (System.nanoTime() - genStart) / 1e9;
            Path config = writeConfig(dir, "http://127.0.0.1:" + clPort + "/DesktopModules/ClarityEcommerce/API",
                    "tandem", "tandem-sandbox", "http://127.0.0.1:" + sfPort + "/services/oauth2/token",
                    "tandem-sandbox", "sandbox-secret");
            double sfCpuBefore = cpuSeconds(sf.pid());
            double clCpuBefore = cpuSeconds(cl.pid());
            ObjectNode result = measure(dir, config, customers, chunk, skipMatch);
            result.put("sandboxes", "child processes");
            result.put("generateSeconds", round(genSeconds));
            result.put("salesforceSandboxCpuSeconds", round(cpuSeconds(sf.pid()) - sfCpuBefore));
            result.put("claritySandboxCpuSeconds", round(cpuSeconds(cl.pid()) - clCpuBefore));
            result.put("salesforceSandboxPeakRssMiB", statusKib(sf.pid(), "VmHWM:") / 1024);
            result.put("claritySandboxPeakRssMiB", statusKib(cl.pid(), "VmHWM:") / 1024);
            result.put("contactsInSalesforce", contacts(sfPort));
            print(dir, result);
        } finally {
            sf.destroy();
            cl.destroy();
            sf.waitFor();
            cl.waitFor();
        }
    }

    /** Runs the backfill once on a fresh store; the measurements of this JVM. */
    private static ObjectNode measure(Path dir, Path config, int customers, int chunk, boolean skipMatch) {
        System.gc();
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        boolean rssReset = resetPeakRss();
        AtomicLong afterGc = new AtomicLong();
        List<Long> liveSets = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Runnable> unsubscribe = watchHeapAfterGc(afterGc, liveSets);
        java.util.concurrent.ScheduledExecutorService fullGcs = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("live-set").factory());
        if (liveSetEverySeconds > 0) {
            fullGcs.scheduleWithFixedDelay(System::gc, liveSetEverySeconds, liveSetEverySeconds, TimeUnit.SECONDS);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long threadCpuStart = threads.getCurrentThreadCpuTime();
        long processCpuStart = os.getProcessCpuTime();
        String loadBefore = Machine.loadAverage();
        long start = System.nanoTime();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(System.err, true));
        cli.setErr(new PrintWriter(System.err, true));
        List<String> command = new ArrayList<>(List.of("backfill", "customers", "--config", config.toString(),
                "--chunk", String.valueOf(chunk), "--report", dir.resolve("report.json").toString()));
        if (skipMatch) {
            command.add("--skip-duplicate-match");
        }
        int exit = cli.execute(command.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        double threadCpu = (threads.getCurrentThreadCpuTime() - threadCpuStart) / 1e9;
        double processCpu = (os.getProcessCpuTime() - processCpuStart) / 1e9;
        fullGcs.shutdownNow();
        unsubscribe.forEach(Runnable::run);
        long peakHeap = heapPools.stream().map(MemoryPoolMXBean::getPeakUsage).mapToLong(MemoryUsage::getUsed).sum();
        ObjectNode r = JSON.createObjectNode();
        r.put("customers", customers);
        r.put("chunk", chunk);
        r.put("skipDuplicateMatch", skipMatch);
        r.put("exit", exit);
        r.put("seconds", round(seconds));
        r.put("customersPerSecond", Math.round(customers / seconds));
        r.put("backfillThreadCpuSeconds", round(threadCpu));
        r.put("backfillJvmCpuSeconds", round(processCpu));
        r.put("peakHeapMiB", peakHeap >> 20);
        r.put("peakHeapAfterGcMiB", afterGc.get() >> 20);
        if (liveSetEverySeconds > 0) {
            var live = r.putArray("liveSetMiB");
            synchronized (liveSets) {
                liveSets.forEach(b -> live.add(b >> 20));
            }
        }
        r.put("peakRssMiB", statusKib(ProcessHandle.current().pid(), "VmHWM:") / 1024);
        r.put("rssPeakReset", rssReset);
        r.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        r.put("machine", Machine.describe());
        r.put("loadAverageBefore", loadBefore);
        r.put("loadAverageAfter", Machine.loadAverage());
        return r;
    }

    /**
     * Keeps in {@code max} the largest heap any collection leaves, and in {@code liveSets} the heap each explicit
     * full collection ({@code System.gc()}) leaves; returns how to stop listening.
     */
    private static List<Runnable> watchHeapAfterGc(AtomicLong max, List<Long> liveSets) {
        List<Runnable> stops = new ArrayList<>();
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long after = 0;
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage usage = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
                if (pool.getType() == MemoryType.HEAP && usage != null) {
                    after += usage.getUsed();
                }
            }
            max.accumulateAndGet(after, Math::max);
            if ("System.gc()".equals(info.getGcCause())) {
                liveSets.add(after);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                stops.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        return stops;
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+: "5" to clear_refs); false when the kernel refuses. */
    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A {@code kB} line of /proc/PID/status (VmHWM, VmRSS), or 0 when unreadable. */
    private static long statusKib(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** User + system CPU seconds of a process (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": field 3 (state) is f[0], so utime (14) is f[11] and stime (15) f[12]
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Completes when the child prints a line starting with {@code ready}; fails when it exits before. */
    private static CompletableFuture<Void> readyLine(Process child, String ready, Path log) {
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("sandbox-output-" + child.pid()).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
                 Writer out = Files.newBufferedWriter(log)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.write(line);
                    out.write('\n');
                    if (line.startsWith(ready)) {
                        out.flush();
                        up.complete(null);
                    }
                }
            } catch (IOException e) {
                up.completeExceptionally(e);
            }
            up.completeExceptionally(new IllegalStateException("the sandbox exited (" + child.pid()
                    + ") before it was ready; see " + log));
        });
        return up;
    }

    private static Path writeConfig(Path dir, String clarityUrl, String clarityUser, String clarityPassword,
                                    String tokenUrl, String clientId, String clientSecret) throws IOException {
        return Files.writeString(dir.resolve("tandem.yaml"), """
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
                """.formatted(dir.resolve("tandem.db"), clarityUrl, clarityUser, clarityPassword, tokenUrl, clientId,
                clientSecret));
    }

    private static void print(Path dir, ObjectNode result) throws IOException {
        result.set("report", JSON.readTree(Files.readString(dir.resolve("report.json"))).path("objects").path(0));
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code SELECT COUNT() FROM Contact} over the sandbox's REST API (client credentials). */
    private static int contacts(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        var token = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
                        + "&client_id=tandem-sandbox&client_secret=sandbox-secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        String access = JSON.readTree(token.body()).path("access_token").asText();
        var count = http.send(HttpRequest.newBuilder(java.net.URI.create(base
                        + "/services/data/v64.0/query?q=SELECT+COUNT()+FROM+Contact"))
                .header("Authorization", "Bearer " + access).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(count.body()).path("totalSize").asInt(-1);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
