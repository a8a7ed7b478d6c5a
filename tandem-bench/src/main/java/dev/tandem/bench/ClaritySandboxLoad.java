package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.bench.LoadLoop.CallFailed;
import dev.tandem.bench.LoadLoop.Threads;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.SalesOrderRef;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Load harness for the Clarity sandbox (issue 4, point 11: at least 5,000 GET-by-ID/s on the 2-core development
 * machine). Starts the sandbox in this JVM with its generated catalogue and customers, creates {@code --orders}
 * random sales orders, then reads them with {@code GET /Ordering/SalesOrder/ID/{id}} over loopback, HTTP Basic on
 * every request (CEF's {@code BasicAuthProvider}, spec clarity-api.md §4). A call is an error unless it answers 200.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.ClaritySandboxLoad --seconds 20 --concurrency 64</pre>
 */
public final class ClaritySandboxLoad {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClaritySandboxLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("ClaritySandboxLoad")
                .declare("seconds", "20", "measured seconds per concurrency")
                .declare("warmup", "10", "unrecorded warm-up seconds before each measurement (JIT)")
                .declare("first-warmup", "20", "warm-up seconds of the first run in this JVM, while the JIT compiles")
                .declare("concurrency", "64", "concurrent closed-loop workers; a comma list runs each in turn")
                .declare("threads", "virtual", "virtual | platform: one such thread per worker")
                .declare("clients", "1", "java.net.http clients the workers are spread over")
                .declare("client-pool", "default", "default | virtual: executor of each HTTP client")
                .declare("orders", "1000", "random sales orders created before the run")
                .declare("seed", "42", "seed of the sandbox's data generator")
                .declare("max-calls", "10000000", "upper bound of calls per run, whatever the duration");
        if (!options.parse(args)) {
            return;
        }
        Duration measure = Duration.ofSeconds(options.longValue("seconds"));
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(options.longValue("first-warmup")),
                Duration.ofSeconds(options.longValue("warmup")));
        Threads threads = Threads.valueOf(options.choice("threads", Set.of("virtual", "platform"))
                .toUpperCase(Locale.ROOT));
        boolean virtualPool = options.choice("client-pool", Set.of("default", "virtual")).equals("virtual");
        int orderCount = options.integer("orders");
        long maxCalls = options.longValue("max-calls");

        System.out.println("ClaritySandboxLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        try (ClaritySandbox sandbox = ClaritySandbox.builder().port(0).seed(options.longValue("seed")).build()
                .start();
             LoopbackHttp http = new LoopbackHttp(options.integer("clients"), virtualPool)) {
            String authorization = LoopbackHttp.basic(sandbox.user(), sandbox.password());
            URI[] uris = new URI[orderCount];
            for (int i = 0; i < orderCount; i++) {
                SalesOrderRef order = sandbox.orders().createRandomOrder();
                uris[i] = LoopbackHttp.loopback(sandbox.baseUrl() + "/Ordering/SalesOrder/ID/" + order.id());
            }
            checkRead(http, uris[0], authorization);
            for (int concurrency : options.integers("concurrency")) {
                System.out.println(LoadLoop.run("GET Ordering/SalesOrder/ID/{id}", concurrency, threads,
                        warmUp.next(), measure, maxCalls, (worker, sequence) -> {
                            URI uri = uris[(int) ((sequence * 7919 + worker * 104_729L) % uris.length)];
                            HttpRequest request = HttpRequest.newBuilder(uri)
                                    .header("Authorization", authorization)
                                    .header("Accept", "application/json")
                                    .GET().build();
                            HttpResponse<byte[]> response = http.forWorker(worker).send(request,
                                    HttpResponse.BodyHandlers.ofByteArray());
                            if (response.statusCode() != 200) {
                                throw new CallFailed("HTTP " + response.statusCode() + " "
                                        + SalesforceSandboxLoad.excerpt(response.body()));
                            }
                        }).report());
            }
        }
        System.out.println("load average at the end: " + Machine.loadAverage());
    }

    /** One read outside the measurement proves the run reads real orders with their items, not 404s. */
    private static void checkRead(LoopbackHttp http, URI uri, String authorization) throws Exception {
        HttpResponse<String> response = http.forWorker(0).send(HttpRequest.newBuilder(uri)
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode order = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        if (order == null || !order.path("ID").isInt() || !order.path("SalesItems").isArray()) {
            throw new IllegalStateException("GET " + uri + " answered HTTP " + response.statusCode() + " "
                    + response.body());
        }
        System.out.printf("created orders to read; one reads back as %,d bytes of JSON with %d items%n",
                response.body().length(), order.path("SalesItems").size());
    }
}
