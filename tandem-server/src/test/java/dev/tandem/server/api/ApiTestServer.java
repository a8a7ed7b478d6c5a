package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.TandemServer;
import dev.tandem.server.config.TandemConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Tandem server for admin API tests: its own store, the shipped flows, and Clarity and Salesforce pointed at a
 * closed port (nothing in these tests processes an event, so neither is ever called).
 */
public final class ApiTestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    public static final ObjectMapper JSON_MAPPER = JSON;

    public final TandemServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiTestServer(TandemServer server) {
        this.server = server;
    }

    public static ApiTestServer start(Path dir, ApiSettings api) {
        return start(dir, api, TandemConfig.Flows.shipped());
    }

    /** The same with a flows configuration (e.g. a flows.dir the server watches). */
    public static ApiTestServer start(Path dir, ApiSettings api, TandemConfig.Flows flows) {
        TandemConfig config = new TandemConfig(
                new TandemConfig.Server("127.0.0.1", 0),
                new TandemConfig.Store(dir.resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create("http://127.0.0.1:9/api"), "tandem", "secret",
                        Duration.ofSeconds(2), List.of("whsec-test"), Duration.ofMinutes(5)),
                new TandemConfig.Salesforce(URI.create("http://127.0.0.1:9/services/oauth2/token"), "client",
                        "secret", "64.0", "tandem", Duration.ofSeconds(2)),
                new TandemConfig.Runtime(50, Duration.ofMillis(20), Duration.ofMillis(200)),
                new TandemConfig.Retry(Duration.ofMillis(50), 2.0, Duration.ofMillis(500), 3, 0.2))
                .withApi(api).withFlows(flows);
        return new ApiTestServer(TandemServer.start(config));
    }

    /** High limits, so tests that call every operation are not rate-limited. */
    public static ApiSettings unlimited() {
        return ApiSettings.defaults().withRateLimits(1_000_000, 1_000_000, Duration.ofSeconds(1));
    }

    /** A new token of {@code role} (as `tandem tokens create` makes one); its secret. */
    public String token(String name, Role role) {
        return server.adminApi().tokens().create(name, role).secret();
    }

    URI uri(String pathAndQuery) {
        return server.baseUrl().resolve(pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery, String token) {
        return send("GET", pathAndQuery, token, null);
    }

    HttpResponse<String> send(String method, String pathAndQuery, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }
}
