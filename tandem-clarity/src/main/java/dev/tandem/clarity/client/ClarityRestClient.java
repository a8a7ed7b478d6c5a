package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.auth.ClaritySession;
import dev.tandem.clarity.auth.SessionToken;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.port.RecordSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads CEF records over its REST API (clarity-api.md §5): {@code GET {base}/<Module>/<Entity>/ID/{ID}} and
 * {@code .../Key/{Key}}. Every call carries the integration user's session ({@link ClaritySession}); a 401 logs in
 * again and replays the call once.
 *
 * <p>Thread-safe: one instance (and one {@link HttpClient}) is shared by all threads, virtual ones included.
 */
public final class ClarityRestClient implements RecordSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClarityRestClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CEF ids are {@code int} (§2). */
    private static final Pattern ID = Pattern.compile("\\d{1,10}");

    private final ClarityConfig config;
    private final ClaritySession session;
    private final HttpClient http;
    private final boolean ownsHttpClient;

    public ClarityRestClient(ClarityConfig config, ClaritySession session, HttpClient http) {
        this(config, session, http, false);
    }

    private ClarityRestClient(ClarityConfig config, ClaritySession session, HttpClient http, boolean ownsHttpClient) {
        this.config = Objects.requireNonNull(config, "config");
        this.session = Objects.requireNonNull(session, "session");
        this.http = Objects.requireNonNull(http, "http");
        this.ownsHttpClient = ownsHttpClient;
    }

    /** A client with its own {@link HttpClient} (closed by {@link #close()}) and session. */
    public static ClarityRestClient create(ClarityConfig config) {
        HttpClient http = newHttpClient(config);
        return new ClarityRestClient(config, new ClaritySession(config, http), http, true);
    }

    /** An {@link HttpClient} suited to CEF: connect timeout from the config, redirects never followed. */
    public static HttpClient newHttpClient(ClarityConfig config) {
        // Redirects are not followed: DNN answers some unauthenticated requests with a redirect to its login page,
        // which must surface as an error rather than be parsed as a record.
        return HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * {@code GET {base}/<Module>/<Entity>/ID/{id}}: the record as CEF serialises it (PascalCase, nulls omitted, §2),
     * or empty when it does not exist.
     *
     * @param entity {@code SalesOrder}, {@code Account}, {@code Contact}, {@code User} or {@code Product}
     * @param id     the CEF id (an integer)
     * @throws IllegalArgumentException for another entity or a non-numeric id
     * @throws IntegrationException     retryable for 5xx, timeouts and connection failures; permanent for other
     *                                  refusals, with CEF's error code and message
     */
    @Override
    public Optional<ObjectNode> fetch(String entity, String id) {
        ClarityEntity e = ClarityEntity.fromName(entity);
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a Clarity id is an integer, got: " + id);
        }
        return getRecord(e.routePrefix() + "/ID/" + id);
    }

    /**
     * {@code GET {base}/<Module>/<Entity>/Key/{key}}: the record with this {@code CustomKey}, or empty. The key is
     * URL-encoded as one path segment.
     */
    public Optional<ObjectNode> fetchByKey(String entity, String key) {
        ClarityEntity e = ClarityEntity.fromName(entity);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a Clarity key must not be blank");
        }
        return getRecord(e.routePrefix() + "/Key/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** Closes the {@link HttpClient} when this client created it ({@link #create}); otherwise does nothing. */
    @Override
    public void close() {
        if (ownsHttpClient) {
            http.close();
        }
    }

    private Optional<ObjectNode> getRecord(String path) {
        String what = "GET " + path;
        Reply reply = get(path);
        int status = reply.status();
        // 404 is CEF's answer for a missing id/key (§9); a ServiceStack service returning null answers 204
        if (status == 404 || status == 204) {
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw ErrorClassifier.toException(what, status, reply.json());
        }
        if (reply.json() == null || reply.json().isNull()) {
            return Optional.empty();
        }
        if (reply.json() instanceof ObjectNode record) {
            return Optional.of(record);
        }
        throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                "Clarity " + what + " returned no JSON object", status);
    }

    private record Reply(int status, JsonNode json) {
    }

    /** Sends with the current session; on 401 logs in again and replays once. */
    private Reply get(String path) {
        SessionToken token = session.current();
        Reply reply = exchange(path, token);
        if (reply.status() != 401) {
            return reply;
        }
        LOG.info("Clarity answered 401 to GET {}; logging in again once", path);
        session.invalidate(token);
        SessionToken fresh = session.current();
        reply = exchange(path, fresh);
        if (reply.status() != 401) {
            return reply;
        }
        session.invalidate(fresh);
        ErrorClassifier.CefError error = ErrorClassifier.cefError(401, reply.json());
        throw IntegrationException.transientFailure(ErrorClassifier.SYSTEM, error.code(),
                "Clarity refused GET " + path + " right after a new login: " + error.message(), 401, null);
    }

    private Reply exchange(String path, SessionToken token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.resolve(path))
                .timeout(config.requestTimeout())
                .header("Accept", "application/json")
                .GET();
        token.applyTo(request);
        String what = "GET " + path;
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(what, e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
        LOG.debug("Clarity {} -> {}", what, response.statusCode());
        return new Reply(response.statusCode(), parse(response.body()));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
