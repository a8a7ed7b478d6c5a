package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.bench.LoadLoop.CallFailed;
import dev.tandem.bench.LoadLoop.Result;
import dev.tandem.bench.LoadLoop.Threads;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Load harness for the Salesforce sandbox (issue 3, point 13: at least 5,000 simple REST calls/s and 500 sObject
 * Collections upserts of 200 records/s on the 2-core development machine). Starts the sandbox in this JVM, gets a
 * token with the client-credentials flow, then drives it over loopback:
 * <ul>
 *   <li>{@code get}: {@code GET /services/data/v64.0/sobjects/Account/{id}} of pre-created Accounts;</li>
 *   <li>{@code upsert}: {@code PATCH /services/data/v64.0/composite/sobjects/Account/Clarity_Account_Key__c} with
 *       {@code allOrNone:false} and 200 Accounts per request. The workers split {@code --keys} external ids
 *       (default 20,000) among them and cycle through their share, so the first pass creates records and later
 *       passes update them (with a new Name each time), and two requests never contend for one record. A run
 *       with more keys than it can write (e.g. {@code --keys 100000000 --warmup 0 --seconds 5}) measures
 *       creates only.</li>
 * </ul>
 * A call is an error unless the status is 200 and, for upserts, every per-record result is a success.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.SalesforceSandboxLoad --seconds 20 --concurrency 64</pre>
 */
public final class SalesforceSandboxLoad {

    private static final String API = "/services/data/v64.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SalesforceSandboxLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("SalesforceSandboxLoad")
                .declare("scenario", "both", "get | upsert | both")
                .declare("seconds", "20", "measured seconds per scenario and concurrency")
                .declare("warmup", "10", "unrecorded warm-up seconds before each measurement (JIT, first pass of keys)")
                .declare("first-warmup", "20", "warm-up seconds of the first run in this JVM, while the JIT compiles")
                .declare("concurrency", "64", "concurrent closed-loop workers; a comma list runs each in turn")
                .declare("threads", "virtual", "virtual | platform: one such thread per worker")
                .declare("clients", "1", "java.net.http clients the workers are spread over")
                .declare("client-pool", "default", "default | virtual: executor of each HTTP client")
                .declare("records", "1000", "Accounts created before the get scenario")
                .declare("batch", "200", "records per sObject Collections upsert (Salesforce allows 200)")
                .declare("keys", "20000", "distinct external ids the upsert workers cycle through, split among them")
                .declare("max-calls", "10000000", "upper bound of calls per run, whatever the duration");
        if (!options.parse(args)) {
            return;
        }
        String scenario = options.choice("scenario", Set.of("get", "upsert", "both"));
        Duration measure = Duration.ofSeconds(options.longValue("seconds"));
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(options.longValue("first-warmup")),
                Duration.ofSeconds(options.longValue("warmup")));
        Threads threads = Threads.valueOf(options.choice("threads", Set.of("virtual", "platform"))
                .toUpperCase(Locale.ROOT));
        boolean virtualPool = options.choice("client-pool", Set.of("default", "virtual")).equals("virtual");
        int batch = options.integer("batch");
        long keys = options.longValue("keys");
        long maxCalls = options.longValue("max-calls");

        System.out.println("SalesforceSandboxLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        List<Result> results = new ArrayList<>();
        try (SalesforceSandbox sandbox = SalesforceSandbox.builder().port(0).dailyApiLimit(Long.MAX_VALUE)
                .build().start();
             LoopbackHttp http = new LoopbackHttp(options.integer("clients"), virtualPool)) {
            String base = sandbox.baseUrl();
            String bearer = "Bearer " + token(http.forWorker(0), sandbox);

            if (!scenario.equals("upsert")) {
                List<String> ids = createAccounts(http.forWorker(0), base, bearer, options.integer("records"),
                        batch);
                checkRead(http.forWorker(0), base, bearer, ids.get(0));
                URI[] uris = ids.stream().map(id -> LoopbackHttp.loopback(base + API + "/sobjects/Account/" + id))
                        .toArray(URI[]::new);
                for (int concurrency : options.integers("concurrency")) {
                    results.add(print(LoadLoop.run("GET sobjects/Account/{id}", concurrency, threads,
                            warmUp.next(), measure, maxCalls, (worker, sequence) -> {
                                URI uri = uris[(int) ((sequence * 7919 + worker * 104_729L) % uris.length)];
                                HttpRequest request = HttpRequest.newBuilder(uri)
                                        .header("Authorization", bearer)
                                        .header("Accept", "application/json")
                                        .GET().build();
                                HttpResponse<byte[]> response = http.forWorker(worker).send(request,
                                        HttpResponse.BodyHandlers.ofByteArray());
                                if (response.statusCode() != 200) {
                                    throw new CallFailed("HTTP " + response.statusCode() + " "
                                            + excerpt(response.body()));
                                }
                            })));
                }
            }
            if (!scenario.equals("get")) {
                URI uri = LoopbackHttp.loopback(base + API + "/composite/sobjects/Account/Clarity_Account_Key__c");
                for (int concurrency : options.integers("concurrency")) {
                    int run = results.size();
                    // whole batches per worker, at least one, so no request repeats a key
                    long keysPerWorker = Math.max(1, keys / concurrency / batch) * batch;
                    results.add(print(LoadLoop.run("PATCH composite/sobjects x" + batch, concurrency, threads,
                            warmUp.next(), measure, maxCalls, (worker, sequence) -> {
                                long firstKey = (sequence * batch) % keysPerWorker;
                                String body = upsertBody("R" + run + "-W" + worker + "-", firstKey, batch,
                                        keysPerWorker, sequence);
                                HttpRequest request = HttpRequest.newBuilder(uri)
                                        .header("Authorization", bearer)
                                        .header("Content-Type", "application/json")
                                        .header("Sforce-Call-Options", "client=tandem-bench")
                                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                                        .build();
                                HttpResponse<String> response = http.forWorker(worker).send(request,
                                        HttpResponse.BodyHandlers.ofString());
                                if (response.statusCode() != 200) {
                                    throw new CallFailed("HTTP " + response.statusCode() + " "
                                            + excerpt(response.body().getBytes(StandardCharsets.UTF_8)));
                                }
                                int failures = count(response.body(), "\"success\":false");
                                int successes = count(response.body(), "\"success\":true");
                                if (failures + successes != batch) {
                                    throw new CallFailed("expected " + batch + " per-record results, got "
                                            + (failures + successes) + ": "
                                            + excerpt(response.body().getBytes(StandardCharsets.UTF_8)));
                                }
                                if (failures > 0) {
                                    throw new CallFailed(failures + " of " + batch + " records failed, e.g. "
                                            + excerpt(response.body().getBytes(StandardCharsets.UTF_8)));
                                }
                            })));
                }
            }
            System.out.printf(Locale.ROOT, "sandbox counted %,d API requests; live Accounts: %,d%n",
                    sandbox.apiRequestCount(), sandbox.records("Account").size());
        }
        System.out.println("load average at the end: " + Machine.loadAverage());
    }

    private static Result print(Result result) {
        System.out.println(result.report());
        return result;
    }

    /** Client-credentials flow with the consumer key and secret in HTTP Basic (spec salesforce-api.md §1). */
    private static String token(HttpClient client, SalesforceSandbox sandbox) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(LoopbackHttp.loopback(sandbox.baseUrl()
                        + "/services/oauth2/token"))
                .header("Authorization", LoopbackHttp.basic(sandbox.clientId(), sandbox.clientSecret()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    /** Creates the Accounts the get scenario reads, through the same upsert endpoint, and returns their ids. */
    private static List<String> createAccounts(HttpClient client, String base, String bearer, int count, int batch)
            throws Exception {
        List<String> ids = new ArrayList<>(count);
        URI uri = LoopbackHttp.loopback(base + API + "/composite/sobjects/Account/Clarity_Account_Key__c");
        for (int first = 0; first < count; first += batch) {
            int size = Math.min(batch, count - first);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Authorization", bearer)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(
                            upsertBody("GET-", first, size, count, 0)))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode results = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !results.isArray()) {
                throw new IllegalStateException("creating Accounts failed: HTTP " + response.statusCode() + " "
                        + response.body());
            }
            for (JsonNode result : results) {
                if (!result.path("success").asBoolean()) {
                    throw new IllegalStateException("creating an Account failed: " + result);
                }
                ids.add(result.path("id").asText());
            }
        }
        return ids;
    }

    /** One read outside the measurement proves the scenario reads real records, not 404s. */
    private static void checkRead(HttpClient client, String base, String bearer, String id) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(LoopbackHttp.loopback(base + API + "/sobjects/Account/" + id))
                .header("Authorization", bearer).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode record = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !id.equals(record.path("Id").asText())) {
            throw new IllegalStateException("GET Account/" + id + " answered HTTP " + response.statusCode() + " "
                    + response.body());
        }
        System.out.printf("created Accounts to read; one reads back as %d bytes of JSON%n",
                response.body().length());
    }

    /** {@code {"allOrNone":false,"records":[{"attributes":{"type":"Account"},"Name":..,"Clarity_Account_Key__c":..}]}} */
    static String upsertBody(String keyPrefix, long firstKey, int size, long keySpace, long round) {
        StringBuilder body = new StringBuilder(96 * size + 64).append("{\"allOrNone\":false,\"records\":[");
        for (int i = 0; i < size; i++) {
            long key = (firstKey + i) % keySpace;
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"attributes\":{\"type\":\"Account\"},\"Name\":\"Bench Account ").append(keyPrefix)
                    .append(key).append(" r").append(round).append("\",\"Clarity_Account_Key__c\":\"BENCH-")
                    .append(keyPrefix).append(key).append("\"}");
        }
        return body.append("]}").toString();
    }

    /**
     * Occurrences of {@code needle}: per-record results of a Collections response
     * ({@code [{"id":..,"success":true,"errors":[]}, ..]}) are counted without building a tree, so the client
     * spends its CPU on the wire, not on parsing. The caller checks that successes plus failures equal the batch
     * size, so a change of the response's formatting shows up as errors instead of passing silently.
     */
    static int count(String body, String needle) {
        int found = 0;
        int at = 0;
        while ((at = body.indexOf(needle, at)) >= 0) {
            found++;
            at += needle.length();
        }
        return found;
    }

    static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
