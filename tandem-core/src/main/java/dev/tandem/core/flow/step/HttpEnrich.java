package dev.tandem.core.flow.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tandem.core.config.Durations;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.Secrets;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.flow.model.EnrichStep;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Content Enricher from an external HTTP API (e.g. tax calculation): per exchange, a request built by JSONata
 * (method, URL template, headers, JSON body) is sent with {@code java.net.http}, and the JSON response is merged
 * into the body by the step's {@code aggregationStrategy} ({@code $response}, {@code $status}). The calls of a
 * batch run concurrently (at most {@value #CONCURRENCY} at a time); exchanges with the same cache key share one
 * call, and a cached response is used until its TTL ends.
 *
 * <p>Failures, classified for the runtime's redelivery (retryable) or dead-letter queue (not):
 * <ul>
 *   <li>no connection, or no complete response within {@code timeout}: {@code HTTP_ENRICH_UNAVAILABLE} /
 *       {@code HTTP_ENRICH_TIMEOUT}, retryable; 408 too;</li>
 *   <li>5xx: {@code HTTP_ENRICH_SERVER_ERROR}, retryable; 429: {@code HTTP_ENRICH_THROTTLED}, retryable no sooner
 *       than its {@code Retry-After} (RFC 9110, 10.2.3: seconds or an HTTP-date; also honoured on 503);</li>
 *   <li>any other status that is not 2xx (4xx, an unfollowed redirect): {@code HTTP_ENRICH_REJECTED} with the
 *       response's own message, not retryable;</li>
 *   <li>a 2xx response that is not JSON: {@code HTTP_ENRICH_BAD_RESPONSE}; longer than {@code maxResponseBytes}:
 *       {@code HTTP_ENRICH_RESPONSE_TOO_LARGE}; a URL or header the data makes invalid:
 *       {@code HTTP_ENRICH_BAD_REQUEST}; a JSONata expression that fails: {@code MAPPING_ERROR} (none retryable).</li>
 * </ul>
 * Credentials ({@code ${env:NAME}} in the URL or a header) are sent but never written: every message, audit entry
 * and log line goes through {@link Secrets#redact}.
 */
public final class HttpEnrich implements Step {

    public static final String TIMEOUT = "HTTP_ENRICH_TIMEOUT";
    public static final String UNAVAILABLE = "HTTP_ENRICH_UNAVAILABLE";
    public static final String SERVER_ERROR = "HTTP_ENRICH_SERVER_ERROR";
    public static final String THROTTLED = "HTTP_ENRICH_THROTTLED";
    public static final String REJECTED = "HTTP_ENRICH_REJECTED";
    public static final String BAD_RESPONSE = "HTTP_ENRICH_BAD_RESPONSE";
    public static final String TOO_LARGE = "HTTP_ENRICH_RESPONSE_TOO_LARGE";
    public static final String BAD_REQUEST = "HTTP_ENRICH_BAD_REQUEST";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    static final int CONCURRENCY = 8;
    /** A Retry-After further out than this is taken as this (the redelivery policy still applies after it). */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(HttpEnrich.class);
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.+?)}}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** One client for every HTTP enricher: it pools connections; redirects are not followed (a credential stays with its host). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** A URL or header value: literal text (with credential references) and {@code {{expr}}} parts. */
    record Template(List<String> literals, List<JsonataMapping> parts) {

        static Template of(String text, FlowSpec spec) {
            List<String> literals = new ArrayList<>();
            List<JsonataMapping> parts = new ArrayList<>();
            Matcher m = TEMPLATE.matcher(text);
            int last = 0;
            while (m.find()) {
                literals.add(text.substring(last, m.start()));
                parts.add(spec.expression(m.group(1).trim()));
                last = m.end();
            }
            literals.add(text.substring(last));
            return new Template(literals, parts);
        }

        /**
         * The text for one exchange: credential references in the literal text are resolved (never in the values
         * the data gives, so a record cannot make Tandem send a secret where the flow does not), parts encoded.
         */
        String render(Exchange x, Secrets secrets, UnaryOperator<String> encode, String what) {
            StringBuilder out = new StringBuilder(secrets.resolve(literals.getFirst(), encode));
            for (int i = 0; i < parts.size(); i++) {
                JsonNode v = JsonataMapping.toJson(parts.get(i).evaluate(x.bodyValue(), x.bindings()));
                if (v.isMissingNode() || v.isNull()) {
                    throw new MappingException("the " + what + " part {{…}} number " + (i + 1) + " gives no value for this record", null);
                }
                out.append(encode.apply(v.isTextual() ? v.textValue() : v.toString()));
                out.append(secrets.resolve(literals.get(i + 1), encode));
            }
            return out.toString();
        }
    }

    private final EnrichStep.Method method;
    private final Template url;
    private final Map<String, Template> headers;
    private final JsonataMapping body;
    private final JsonataMapping merge;
    private final Duration timeout;
    private final int maxResponseBytes;
    private final JsonataMapping cacheKey;
    private final Cache<String, JsonNode> cache;
    private final Secrets secrets;

    HttpEnrich(EnrichStep.Method method, Template url, Map<String, Template> headers, JsonataMapping body,
               JsonataMapping merge, Duration timeout, int maxResponseBytes, JsonataMapping cacheKey, Duration ttl,
               int maxEntries, Secrets secrets) {
        this.method = method;
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.merge = merge;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.cacheKey = cacheKey;
        // Caffeine: size-bounded (W-TinyLFU eviction) with expire-after-write, thread-safe
        // (https://github.com/ben-manes/caffeine/wiki/Eviction, "Size-based" and "Time-based").
        this.cache = cacheKey == null ? null : Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
        this.secrets = secrets;
    }

    /** The step for an {@code enrich} with {@code http}, from a flow the loader has checked. */
    public static HttpEnrich of(EnrichStep s, FlowSpec spec) {
        EnrichStep.Http h = s.http();
        Map<String, Template> headers = new LinkedHashMap<>();
        h.headers().forEach((name, value) -> headers.put(name, Template.of(value, spec)));
        EnrichStep.Cache c = h.cache();
        return new HttpEnrich(h.methodOrDefault(), Template.of(h.url(), spec), headers,
                h.body() == null ? null : spec.expression(h.body()), spec.expression(s.aggregationStrategy()),
                h.timeout() == null ? DEFAULT_TIMEOUT : Durations.parse(h.timeout()),
                h.maxResponseBytes() == null ? DEFAULT_MAX_RESPONSE_BYTES : h.maxResponseBytes(),
                c == null ? null : spec.expression(c.key()),
                c == null || c.ttl() == null ? DEFAULT_TTL : Durations.parse(c.ttl()),
                c == null || c.maxEntries() == null ? DEFAULT_MAX_ENTRIES : c.maxEntries(), spec.secrets());
    }

    @Override
    public String kind() {
        return "enrich";
    }

    /** What one call gave: a parsed JSON body (missing when empty), or a classified failure. */
    sealed interface Reply {
        record Ok(int status, JsonNode json) implements Reply {
        }

        record Err(int status, String code, String message, boolean retryable, Duration minimumWait) implements Reply {
        }
    }

    /** One request to send, and the exchanges (indexes in the batch) waiting for it. */
    private static final class Call {
        final HttpRequest request;
        final String describe;
        final String key;
        final List<Integer> waiting = new ArrayList<>();
        Reply reply;

        Call(HttpRequest request, String describe, String key) {
            this.request = request;
            this.describe = describe;
            this.key = key;
        }
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(batch);
        List<Call> calls = new ArrayList<>();
        Map<String, Call> byKey = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Exchange x = batch.get(i);
            String key;
            Call call;
            try {
                key = cacheKey == null ? null : key(x);
                JsonNode cached = key == null ? null : cache.getIfPresent(key);
                if (cached != null) {
                    out.set(i, merged(x, new Reply.Ok(200, cached), "(cached) " + method + " " + safeUrl(x), 0, ctx));
                    continue;
                }
                if (key != null && byKey.containsKey(key)) {
                    byKey.get(key).waiting.add(i);
                    continue;
                }
                call = request(x, key);
            } catch (MappingException e) {
                String message = secrets.redact("a JSONata expression of the http enrich failed: " + e.getMessage()
                        + (e.position() >= 0 ? " (at character " + e.position() + ")" : ""));
                ctx.audit(x, kind(), "JSONata", 0, "DEAD_LETTER", Transform.MAPPING_ERROR + ": " + message, 0);
                out.set(i, x.settle(new FlowOutcome.Failed(0, Transform.MAPPING_ERROR, message, false, Duration.ZERO, x.payload())));
                continue;
            } catch (IllegalArgumentException e) {
                String message = secrets.redact("the request cannot be built for this record: " + e.getMessage());
                ctx.audit(x, kind(), method.name(), 0, "DEAD_LETTER", BAD_REQUEST + ": " + message, 0);
                out.set(i, x.settle(new FlowOutcome.Failed(0, BAD_REQUEST, message, false, Duration.ZERO, x.payload())));
                continue;
            }
            call.waiting.add(i);
            calls.add(call);
            if (key != null) {
                byKey.put(key, call);
            }
        }
        for (int from = 0; from < calls.size(); from += CONCURRENCY) {
            List<Call> chunk = calls.subList(from, Math.min(calls.size(), from + CONCURRENCY));
            Instant started = ctx.clock().instant();
            List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (Call c : chunk) {
                sent.add(CLIENT.sendAsync(c.request, info -> new LimitedBody(maxResponseBytes,
                        info.headers().firstValueAsLong("Content-Length").orElse(-1))));
            }
            for (int k = 0; k < chunk.size(); k++) {
                Call c = chunk.get(k);
                c.reply = reply(c, sent.get(k));
                long millis = ctx.millisSince(started);
                int status = c.reply instanceof Reply.Ok ok ? ok.status() : ((Reply.Err) c.reply).status();
                LOG.debug("enrich {} -> {} in {} ms", c.describe, status == 0 ? "no response" : status, millis);
                if (c.reply instanceof Reply.Ok ok && c.key != null) {
                    cache.put(c.key, ok.json());
                }
                for (int i : c.waiting) {
                    out.set(i, merged(batch.get(i), c.reply, c.describe, millis, ctx));
                }
            }
        }
        return out;
    }

    private String key(Exchange x) {
        JsonNode k = JsonataMapping.toJson(cacheKey.evaluate(x.bodyValue(), x.bindings()));
        return k.isMissingNode() ? null : k.toString();
    }

    private Call request(Exchange x, String key) {
        String target = url.render(x, secrets, HttpEnrich::percentEncode, "url");
        URI uri = URI.create(target);
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + target + "' is not an http(s) URL with a host");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        boolean contentType = false;
        boolean accept = false;
        for (Map.Entry<String, Template> h : headers.entrySet()) {
            String value = h.getValue().render(x, secrets, UnaryOperator.identity(), "header " + h.getKey());
            b.header(h.getKey(), value); // throws IllegalArgumentException for a value with CR/LF (no header injection)
            contentType |= h.getKey().equalsIgnoreCase("Content-Type");
            accept |= h.getKey().equalsIgnoreCase("Accept");
        }
        if (!accept) {
            b.header("Accept", "application/json");
        }
        if (body != null) {
            JsonNode json = JsonataMapping.toJson(body.evaluate(x.bodyValue(), x.bindings()));
            if (json.isMissingNode()) {
                throw new MappingException("the request body expression gives no value for this record", null);
            }
            if (!contentType) {
                b.header("Content-Type", "application/json");
            }
            b.method(method.name(), HttpRequest.BodyPublishers.ofString(json.toString(), StandardCharsets.UTF_8));
        } else {
            b.method(method.name(), HttpRequest.BodyPublishers.noBody());
        }
        return new Call(b.build(), method + " " + secrets.redact(target), key);
    }

    /** The URL of an exchange's request as it may be shown (credentials redacted), or the template when it cannot be built. */
    private String safeUrl(Exchange x) {
        try {
            return secrets.redact(url.render(x, secrets, HttpEnrich::percentEncode, "url"));
        } catch (RuntimeException e) {
            return String.join("{{…}}", url.literals());
        }
    }

    /** Waits for the call (at most the timeout) and classifies what came back. */
    private Reply reply(Call c, CompletableFuture<HttpResponse<byte[]>> sent) {
        HttpResponse<byte[]> response;
        try {
            response = sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            sent.cancel(true);
            Throwable t = e.getCause() == null ? e : e.getCause();
            while (t instanceof CompletionException && t.getCause() != null) {
                t = t.getCause();
            }
            return switch (t) {
                case TooLarge tl -> new Reply.Err(0, TOO_LARGE, c.describe + " answered more than "
                        + maxResponseBytes + " bytes (maxResponseBytes)", false, Duration.ZERO);
                case HttpTimeoutException te -> timedOut(c);
                case TimeoutException te -> timedOut(c);
                case ConnectException ce -> new Reply.Err(0, UNAVAILABLE, secrets.redact(c.describe
                        + ": cannot connect (" + ce.getClass().getSimpleName() + (ce.getMessage() == null ? "" : ": " + ce.getMessage()) + ")"), true, Duration.ZERO);
                case IOException io -> new Reply.Err(0, UNAVAILABLE, secrets.redact(c.describe + ": "
                        + io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage())), true, Duration.ZERO);
                default -> new Reply.Err(0, UNAVAILABLE, secrets.redact(c.describe + ": " + t.getClass().getSimpleName()
                        + (t.getMessage() == null ? "" : ": " + t.getMessage())), true, Duration.ZERO);
            };
        }
        int status = response.statusCode();
        byte[] bytes = response.body();
        if (status >= 200 && status < 300) {
            if (bytes.length == 0) {
                return new Reply.Ok(status, MissingNode.getInstance());
            }
            try {
                return new Reply.Ok(status, JSON.readTree(bytes));
            } catch (IOException e) {
                String type = response.headers().firstValue("Content-Type").orElse("none");
                return new Reply.Err(status, BAD_RESPONSE, secrets.redact(c.describe + " answered " + status
                        + " with a body that is not JSON (Content-Type " + type + "): " + excerpt(bytes)
                        + (e instanceof JsonProcessingException j ? " [" + j.getOriginalMessage() + "]" : "")), false, Duration.ZERO);
            }
        }
        String message = secrets.redact(c.describe + " answered " + status + ": " + message(bytes));
        if (status == 429) {
            return new Reply.Err(status, THROTTLED, message, true, retryAfter(response.headers()));
        }
        if (status == 408) {
            return new Reply.Err(status, TIMEOUT, message, true, Duration.ZERO);
        }
        if (status >= 500) {
            return new Reply.Err(status, SERVER_ERROR, message, true, status == 503 ? retryAfter(response.headers()) : Duration.ZERO);
        }
        return new Reply.Err(status, REJECTED, message, false, Duration.ZERO);
    }

    private Reply.Err timedOut(Call c) {
        return new Reply.Err(0, TIMEOUT, c.describe + ": no complete response within " + timeout.toMillis() + " ms (timeout)",
                true, Duration.ZERO);
    }

    /** The exchange with the reply merged into its body, or settled by the reply's failure; audited either way. */
    private Exchange merged(Exchange x, Reply reply, String describe, long millis, StepContext ctx) {
        if (reply instanceof Reply.Err e) {
            ctx.audit(x, kind(), describe, e.status(), e.retryable() ? "FAILED" : "DEAD_LETTER", e.code() + ": " + e.message(), millis);
            return x.settle(new FlowOutcome.Failed(0, e.code(), e.message(), e.retryable(), e.minimumWait(), x.payload()));
        }
        Reply.Ok ok = (Reply.Ok) reply;
        Map<String, Object> bindings = new LinkedHashMap<>(x.bindings());
        bindings.put("response", JsonataMapping.toValue(ok.json()));
        bindings.put("status", ok.status());
        try {
            Object result = merge.evaluate(x.bodyValue(), bindings);
            if (result == null) {
                throw new MappingException("the aggregationStrategy gives no value for this record", null);
            }
            ctx.audit(x, kind(), describe, ok.status(), "OK", "response merged into the body", millis);
            return x.withBody(JsonataMapping.toJson(result));
        } catch (MappingException e) {
            String message = secrets.redact("the aggregationStrategy of the http enrich failed: " + e.getMessage()
                    + (e.position() >= 0 ? " (at character " + e.position() + ")" : ""));
            ctx.audit(x, kind(), describe, ok.status(), "DEAD_LETTER", Transform.MAPPING_ERROR + ": " + message, millis);
            return x.settle(new FlowOutcome.Failed(0, Transform.MAPPING_ERROR, message, false, Duration.ZERO, x.payload()));
        }
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110, 10.2.3), capped; zero when absent or unreadable. */
    static Duration retryAfter(HttpHeaders headers) {
        String v = headers.firstValue("Retry-After").orElse("").trim();
        if (v.isEmpty()) {
            return Duration.ZERO;
        }
        Duration d;
        if (v.matches("\\d{1,10}")) {
            d = Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Duration.ZERO;
            }
        }
        return d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    /** The error's message from a JSON body ({@code message}, {@code error.message}, {@code error}, {@code detail}, {@code title}), else the text. */
    static String message(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            for (JsonNode m : List.of(n.path("message"), n.path("error").path("message"), n.path("error"),
                    n.path("detail"), n.path("title"), n.path("errors").path(0).path("message"))) {
                if (m.isTextual() && !m.textValue().isBlank()) {
                    return abbreviate(m.textValue());
                }
            }
            return excerpt(bytes);
        } catch (IOException | RuntimeException notJson) {
            return excerpt(bytes);
        }
    }

    private static String excerpt(byte[] bytes) {
        if (bytes.length == 0) {
            return "(empty body)";
        }
        return abbreviate(new String(bytes, 0, Math.min(bytes.length, 400), StandardCharsets.UTF_8).strip());
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }

    /** Percent-encoding for a path segment or query value (RFC 3986, 2.1): spaces as %20, not form encoding's +. */
    static String percentEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A response body longer than the limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("response too large");
        }
    }

    /**
     * Collects a response body up to a limit and fails as soon as it is exceeded (or the declared Content-Length
     * does), so a hostile or broken server cannot make Tandem buffer without bound. A
     * {@link HttpResponse.BodySubscriber} as the {@code java.net.http} API describes it
     * (https://docs.oracle.com/en/java/javase/21/docs/api/java.net.http/java/net/http/HttpResponse.BodySubscriber.html).
     */
    static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int max, long declared) {
            this.max = max;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                s.cancel();
                result.completeExceptionally(new TooLarge());
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buffer.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    @Override
    public String toString() {
        return "HttpEnrich[" + method + " " + String.join("{{…}}", url.literals()) + "]"; // templates: references, never values
    }
}
