package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A plain HTTP client for the sandbox, the way an integration calls CEF: login once, then send the session. */
final class ClarityTestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;
    private final Map<String, String> sessionHeaders = new LinkedHashMap<>();

    ClarityTestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A response with its body parsed as JSON (null if the body is empty). */
    record Reply(int status, String body, JsonNode json, HttpResponse<String> raw) {
        List<String> headers(String name) {
            return raw.headers().allValues(name);
        }
    }

    /** Logs in over {@code /auth/identity} and sends the permanent session id as {@code X-ss-pid} from then on. */
    ClarityTestClient loginWithPid(String user, String password) {
        Reply reply = login(user, password);
        if (reply.status() != 200) {
            throw new IllegalStateException("Login failed: " + reply.body());
        }
        sessionHeaders.clear();
        sessionHeaders.put("X-ss-pid", cookie(reply, "ss-pid"));
        sessionHeaders.put("X-ss-opt", "perm");
        return this;
    }

    ClarityTestClient withBasic(String user, String password) {
        sessionHeaders.clear();
        sessionHeaders.put("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    ClarityTestClient withHeader(String name, String value) {
        sessionHeaders.put(name, value);
        return this;
    }

    Reply login(String user, String password) {
        return post("/auth/identity", "{\"Username\":\"" + user + "\",\"Password\":\"" + password
                + "\",\"RememberMe\":true}");
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply patch(String path) {
        return send(request(path).method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    Reply patch(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path) {
        return send(request(path).DELETE());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String cookie(Reply reply, String name) {
        return reply.headers("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No " + name + " cookie in " + reply.headers("Set-Cookie")));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path
                : baseUrl + path)).header("Accept", "application/json");
        sessionHeaders.forEach(builder::header);
        return builder;
    }

    private Reply send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = body == null || body.isBlank() ? null : MAPPER.readTree(body);
            return new Reply(response.statusCode(), body, json, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
