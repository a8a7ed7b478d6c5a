package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads the Clarity sandbox over its REST API (HTTP Basic, the CEF `basic` provider), independent of Tandem's connector. */
final class ClarityRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String basic;

    ClarityRest(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl;
        this.basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", basic).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " failed: " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CEF write (e.g. {@code /Contacts/Contact/Create}); the CEFActionResponse, refused unless it succeeded. */
    JsonNode post(String path, String json) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !body.path("ActionSucceeded").asBoolean(false)) {
                throw new IllegalStateException("POST " + path + " failed: " + r.statusCode() + " " + r.body());
            }
            return body;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CEF {@code PATCH} with an empty body (e.g. {@code /Products/Product/Deactivate/ID/301}); refused unless it succeeded. */
    JsonNode patch(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", basic).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !body.path("ActionSucceeded").asBoolean(false)) {
                throw new IllegalStateException("PATCH " + path + " failed: " + r.statusCode() + " " + r.body());
            }
            return body;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CEF {@code DELETE} (e.g. {@code /Products/Product/Delete/ID/301}); refused unless it succeeded. */
    JsonNode delete(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", basic).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !body.path("ActionSucceeded").asBoolean(false)) {
                throw new IllegalStateException("DELETE " + path + " failed: " + r.statusCode() + " " + r.body());
            }
            return body;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode order(int id) {
        return get("/Ordering/SalesOrder/ID/" + id);
    }
}
