package dev.tandem.core.flow.step;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.flow.model.EnrichStep;
import dev.tandem.core.state.AuditEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP enricher against a real HTTP server on 127.0.0.1 (the JDK's com.sun.net.httpserver). */
class HttpEnrichTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tok-9f8e7d6c5b4a";

    private HttpServer server;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private volatile Consumer<HttpExchange> answer = ok("{\"totalTax\": 7.25}");
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<AuditEntry> audit = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    record Seen(String method, String path, String authorization, String contentType, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", x -> {
            seen.add(new Seen(x.getRequestMethod(), x.getRequestURI().getRawPath(), x.getRequestHeaders().getFirst("Authorization"),
                    x.getRequestHeaders().getFirst("Content-Type"), new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            answer.accept(x);
            x.close();
        });
        server.start();
        Logger log = (Logger) LoggerFactory.getLogger(HttpEnrich.class);
        log.setLevel(Level.DEBUG);
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        ((Logger) LoggerFactory.getLogger(HttpEnrich.class)).detachAppender(logs);
    }

    private static Consumer<HttpExchange> respond(int status, Map<String, String> headers, byte[] body) {
        return x -> {
            try {
                headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
                x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                x.getResponseBody().write(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static Consumer<HttpExchange> ok(String json) {
        return respond(200, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    private String flow(String extra) {
        return """
                id: tax
                from: { system: src, events: [Order.Created] }
                steps:
                  - enrich:
                      http:
                        method: POST
                        url: "http://127.0.0.1:%d/v1/orders/{{Key}}/tax"
                        headers: { Authorization: "Bearer ${env:TAX_API_TOKEN}" }
                        body: "{ 'currency': Currency, 'lines': Lines.{ 'sku': Sku, 'amount': Amount } }"
                %s
                      aggregationStrategy: "$merge([$, {'Tax': $response.totalTax, 'TaxStatus': $status}])"
                """.formatted(server.getAddress().getPort(), extra);
    }

    private HttpEnrich step(String extra) {
        FlowSpec spec = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of(), Set.of()), Map.of("TAX_API_TOKEN", TOKEN)::get)
                .load("tax.yaml", flow(extra), f -> Optional.empty());
        return HttpEnrich.of((EnrichStep) spec.definition().steps().getFirst(), spec);
    }

    private Exchange order(String key) {
        ObjectNode body = JSON.createObjectNode().put("Key", key).put("Currency", "USD");
        body.putArray("Lines").addObject().put("Sku", "A-1").put("Amount", 100);
        return Exchange.of(List.of(new LoggedEvent(1, new InboundEvent("src", "e1", "Order.Created", "Order", key, key,
                Instant.now(), "{}"), Instant.now()))).withBody(body);
    }

    private List<Exchange> run(HttpEnrich step, Exchange... batch) {
        StepContext ctx = new StepContext("tax", "v1", Clock.systemUTC(), null, new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
            }
        });
        return step.apply(List.of(batch), ctx);
    }

    private static FlowOutcome.Failed failed(Exchange x) {
        assertThat(x.outcome()).get().isInstanceOf(FlowOutcome.Failed.class);
        return (FlowOutcome.Failed) x.outcome().orElseThrow();
    }

    /** Neither a failure, an audit entry nor a log line shows the credential. */
    private void assertTokenNeverWritten(List<Exchange> out) {
        out.forEach(x -> assertThat(String.valueOf(x.outcome().orElse(null))).doesNotContain(TOKEN));
        audit.forEach(a -> assertThat(a.toString()).doesNotContain(TOKEN));
        logs.list.forEach(e -> assertThat(e.getFormattedMessage()).doesNotContain(TOKEN));
    }

    @Test
    void theResponseIsMergedIntoTheBodyAndTheCredentialIsSentButNeverWritten() {
        List<Exchange> out = run(step(""), order("SO 1/2"));

        Exchange x = out.getFirst();
        assertThat(x.settled()).isFalse();
        assertThat(x.body().path("Tax").decimalValue()).isEqualByComparingTo("7.25");
        assertThat(x.body().path("TaxStatus").asInt()).isEqualTo(200);
        assertThat(x.body().path("Key").asText()).isEqualTo("SO 1/2");
        Seen request = seen.peek();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/orders/SO%201%2F2/tax");
        assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.body()).isEqualTo("{\"currency\":\"USD\",\"lines\":{\"sku\":\"A-1\",\"amount\":100}}");
        assertThat(audit).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo("OK");
            assertThat(a.responseStatus()).isEqualTo(200);
        });
        assertThat(logs.list).isNotEmpty();
        assertTokenNeverWritten(out);
    }

    @Test
    void aCachedResponseServesLaterExchangesWithTheSameKeyWithOneRequest() {
        HttpEnrich step = step("        cache: { key: \"Key\", ttl: 10m, maxEntries: 10 }");

        List<Exchange> first = run(step, order("SO-1"), order("SO-1"));
        List<Exchange> second = run(step, order("SO-1"));
        run(step, order("SO-2"));

        assertThat(first).allSatisfy(x -> assertThat(x.body().path("Tax").asDouble()).isEqualTo(7.25));
        assertThat(second.getFirst().body().path("Tax").asDouble()).isEqualTo(7.25);
        assertThat(seen).extracting(Seen::path).containsExactly("/v1/orders/SO-1/tax", "/v1/orders/SO-2/tax");
        assertThat(audit).anySatisfy(a -> assertThat(a.requestSummary()).startsWith("(cached) POST"));
    }

    @Test
    void noCompleteResponseWithinTheTimeoutIsARetryableTimeout() {
        answer = x -> {
            try {
                release.await(30, TimeUnit.SECONDS); // held until the test ends, never answered in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<Exchange> out = run(step("        timeout: 200ms"), order("SO-1"));

        FlowOutcome.Failed f = failed(out.getFirst());
        assertThat(f.errorCode()).isEqualTo(HttpEnrich.TIMEOUT);
        assertThat(f.retryable()).isTrue();
        assertThat(f.message()).contains("no complete response within 200 ms");
        assertTokenNeverWritten(out);
    }

    @Test
    void aServerErrorIsRetryableAndAnUnreachableServerToo() throws IOException {
        answer = respond(500, Map.of(), "{\"message\": \"database is down\"}".getBytes(StandardCharsets.UTF_8));
        FlowOutcome.Failed f = failed(run(step(""), order("SO-1")).getFirst());
        assertThat(f.errorCode()).isEqualTo(HttpEnrich.SERVER_ERROR);
        assertThat(f.retryable()).isTrue();
        assertThat(f.message()).contains("answered 500: database is down");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String yaml = flow("").replace(":" + server.getAddress().getPort() + "/", ":" + closedPort + "/");
        FlowSpec spec = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of(), Set.of()), Map.of("TAX_API_TOKEN", TOKEN)::get)
                .load("tax.yaml", yaml, n -> Optional.empty());
        List<Exchange> out = run(HttpEnrich.of((EnrichStep) spec.definition().steps().getFirst(), spec), order("SO-1"));
        FlowOutcome.Failed down = failed(out.getFirst());
        assertThat(down.errorCode()).isEqualTo(HttpEnrich.UNAVAILABLE);
        assertThat(down.retryable()).isTrue();
        assertTokenNeverWritten(out);
    }

    @Test
    void tooManyRequestsIsRetryableNoSoonerThanRetryAfter() {
        answer = respond(429, Map.of("Retry-After", "120"), "{\"error\": {\"message\": \"slow down\"}}".getBytes(StandardCharsets.UTF_8));
        FlowOutcome.Failed f = failed(run(step(""), order("SO-1")).getFirst());
        assertThat(f.errorCode()).isEqualTo(HttpEnrich.THROTTLED);
        assertThat(f.retryable()).isTrue();
        assertThat(f.minimumWait()).isEqualTo(Duration.ofSeconds(120));
        assertThat(f.message()).contains("429: slow down");
    }

    @Test
    void retryAfterReadsSecondsAndHttpDatesAndIgnoresGarbage() {
        assertThat(HttpEnrich.retryAfter(headers("Retry-After", "5"))).isEqualTo(Duration.ofSeconds(5));
        assertThat(HttpEnrich.retryAfter(headers("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))).isEqualTo(Duration.ZERO);
        assertThat(HttpEnrich.retryAfter(headers("Retry-After", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusDays(3))))).isEqualTo(HttpEnrich.MAX_RETRY_AFTER);
        assertThat(HttpEnrich.retryAfter(headers("Retry-After", "soon"))).isEqualTo(Duration.ZERO);
        assertThat(HttpEnrich.retryAfter(headers("Retry-After", "99999999999999999999"))).isEqualTo(Duration.ZERO);
    }

    private static java.net.http.HttpHeaders headers(String name, String value) {
        return java.net.http.HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
    }

    @Test
    void aClientErrorIsRejectedWithTheResponsesMessageAndTheEchoedCredentialRedacted() {
        answer = respond(400, Map.of("Content-Type", "application/json"),
                ("{\"message\": \"unknown tax region for token Bearer " + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8));
        List<Exchange> out = run(step(""), order("SO-1"));

        FlowOutcome.Failed f = failed(out.getFirst());
        assertThat(f.errorCode()).isEqualTo(HttpEnrich.REJECTED);
        assertThat(f.retryable()).isFalse();
        assertThat(f.message()).isEqualTo("POST http://127.0.0.1:" + server.getAddress().getPort()
                + "/v1/orders/SO-1/tax answered 400: unknown tax region for token Bearer ***");
        assertThat(audit).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo("DEAD_LETTER");
            assertThat(a.responseStatus()).isEqualTo(400);
        });
        assertTokenNeverWritten(out);
    }

    @Test
    void aResponseThatIsNotJsonIsABadResponse() {
        answer = respond(200, Map.of("Content-Type", "text/html"), "<html>maintenance</html>".getBytes(StandardCharsets.UTF_8));
        FlowOutcome.Failed f = failed(run(step(""), order("SO-1")).getFirst());
        assertThat(f.errorCode()).isEqualTo(HttpEnrich.BAD_RESPONSE);
        assertThat(f.retryable()).isFalse();
        assertThat(f.message()).contains("not JSON", "text/html", "<html>maintenance</html>");

        answer = ok("{\"totalTax\": 1} trailing");
        assertThat(failed(run(step(""), order("SO-2")).getFirst()).errorCode()).isEqualTo(HttpEnrich.BAD_RESPONSE);
    }

    @Test
    void anOversizedResponseIsRefusedWhetherDeclaredOrStreamed() {
        byte[] big = ("{\"pad\": \"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        answer = respond(200, Map.of(), big);
        FlowOutcome.Failed declared = failed(run(step("        maxResponseBytes: 1000"), order("SO-1")).getFirst());
        assertThat(declared.errorCode()).isEqualTo(HttpEnrich.TOO_LARGE);
        assertThat(declared.retryable()).isFalse();
        assertThat(declared.message()).contains("more than 1000 bytes");

        answer = x -> { // chunked: no Content-Length, the limit applies while reading
            try {
                x.sendResponseHeaders(200, 0);
                for (int i = 0; i < 10; i++) {
                    x.getResponseBody().write(big);
                }
            } catch (IOException e) {
                // the client hung up once it had read enough
            }
        };
        assertThat(failed(run(step("        maxResponseBytes: 1000"), order("SO-2")).getFirst()).errorCode())
                .isEqualTo(HttpEnrich.TOO_LARGE);
    }

    @Test
    void hostileResponsesAndRecordsFailOnlyTheirOwnExchange() {
        answer = ok("[".repeat(5000) + "]".repeat(5000));
        FlowOutcome.Failed deep = failed(run(step(""), order("SO-1")).getFirst());
        assertThat(deep.errorCode()).isEqualTo(HttpEnrich.BAD_RESPONSE);

        answer = ok("{\"totalTax\": 1}");
        ObjectNode noKey = (ObjectNode) order("x").body();
        noKey.remove("Key");
        Exchange bad = order("x").withBody(noKey);
        List<Exchange> out = run(step(""), bad, order("SO-3"));
        assertThat(failed(out.get(0)).errorCode()).isEqualTo(Transform.MAPPING_ERROR);
        assertThat(failed(out.get(0)).message()).contains("url part");
        assertThat(out.get(1).body().path("Tax").asInt()).isEqualTo(1);
        assertThat(seen).extracting(Seen::path).contains("/v1/orders/SO-3/tax");
    }

    @Test
    void aMergeThatGivesNothingIsAMappingError() {
        String yaml = flow("").replace("$merge([$, {'Tax': $response.totalTax, 'TaxStatus': $status}])", "$response.nothing");
        FlowSpec spec = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of(), Set.of()), Map.of("TAX_API_TOKEN", TOKEN)::get)
                .load("tax.yaml", yaml, n -> Optional.empty());
        List<Exchange> out = run(HttpEnrich.of((EnrichStep) spec.definition().steps().getFirst(), spec), order("SO-1"));
        assertThat(failed(out.getFirst()).errorCode()).isEqualTo(Transform.MAPPING_ERROR);
        assertThat(failed(out.getFirst()).message()).contains("gives no value");
    }
}
