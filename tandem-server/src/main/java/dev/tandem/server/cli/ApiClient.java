package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The CLI's client of a running Tandem's admin API ({@code /api/v1}), over {@code java.net.http}.
 *
 * <p>Where it goes: {@code --url}, else {@code TANDEM_URL}, else {@code server.host}/{@code server.port} of
 * {@code --config}, else {@code http://127.0.0.1:8080}. Which token: the file of {@code --token-file}, else
 * {@code TANDEM_TOKEN}. A failure is an {@link ApiException} whose message is one line an operator can act on: the
 * problem's status, code and detail ({@code 403 forbidden: this needs an operator token (you have viewer)}), or
 * {@code no Tandem at URL (is `tandem server` running?)}.
 */
public final class ApiClient {

    public static final String URL_VARIABLE = "TANDEM_URL";
    public static final String TOKEN_VARIABLE = "TANDEM_TOKEN";
    static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http;

    /** A failed call, its message the one line to show. */
    public static final class ApiException extends RuntimeException {

        private final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status, 0 when Tandem was not reached. */
        public int status() {
            return status;
        }
    }

    /**
     * @param base  the server's base URL (without {@code /api/v1})
     * @param token the bearer token, or null to call without one
     */
    public ApiClient(URI base, String token) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The client the options and the environment name (see the class comment for the order). */
    public static ApiClient from(URI url, Path tokenFile, Path config, Function<String, String> environment) {
        return new ApiClient(baseUrl(url, config, environment), token(tokenFile, environment));
    }

    static URI baseUrl(URI url, Path config, Function<String, String> environment) {
        if (url != null) {
            return url;
        }
        String fromEnv = environment.apply(URL_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return URI.create(fromEnv.trim());
        }
        if (config != null) {
            TandemConfig.Server server = new ConfigLoader(environment).load(config).server();
            String host = server.host().equals("0.0.0.0") || server.host().equals("::") ? "127.0.0.1" : server.host();
            return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port());
        }
        return DEFAULT_URL;
    }

    static String token(Path tokenFile, Function<String, String> environment) {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new ApiException(0, "cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        }
        return environment.apply(TOKEN_VARIABLE);
    }

    /** The admin API's base URL, e.g. {@code http://127.0.0.1:8080/api/v1}. */
    public URI apiUrl() {
        return URI.create(base.toString().replaceAll("/+$", "") + "/api/v1");
    }

    /** GET {@code path} (relative to {@code /api/v1}, may carry a query). */
    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, Object body) {
        URI uri = URI.create(apiUrl() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, application/problem+json");
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request body as JSON", e);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ApiException(0, "no Tandem at " + base + " (is `tandem server` running?)");
        } catch (IOException e) {
            throw new ApiException(0, "no answer from Tandem at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted while calling " + uri);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new ApiException(response.statusCode(), describe(response.statusCode(), json));
        }
        return json;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("detail", body.length() > 200 ? body.substring(0, 200) + "…" : body);
        }
    }

    /** {@code 403 forbidden: this needs an operator token (you have viewer)}, plus a hint for a 401. */
    static String describe(int status, JsonNode problem) {
        String code = problem.path("code").asText(problem.path("error").asText(""));
        String detail = problem.path("detail").asText(problem.path("message").asText(""));
        StringBuilder line = new StringBuilder().append(status);
        if (!code.isEmpty()) {
            line.append(' ').append(code);
        }
        if (!detail.isEmpty()) {
            line.append(": ").append(detail);
        }
        if (status == 401) {
            line.append(" (set ").append(TOKEN_VARIABLE).append(" or pass --token-file)");
        }
        return line.toString();
    }

    /** The JSON of a response, for {@code --json}. */
    static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Query string values, URL-encoded. */
    static String query(Map<String, String> parameters) {
        StringBuilder q = new StringBuilder();
        parameters.forEach((k, v) -> {
            if (v != null) {
                q.append(q.isEmpty() ? '?' : '&').append(k).append('=')
                        .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }
}
