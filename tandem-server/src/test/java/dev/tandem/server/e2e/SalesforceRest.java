package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the Salesforce sandbox over its REST API, as an outside observer would: tests assert on what Salesforce
 * holds, not on what Tandem believes it wrote. Deliberately independent of Tandem's connector.
 */
final class SalesforceRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String token;

    SalesforceRest(String baseUrl, String tokenUrl, String clientId, String clientSecret) {
        this.baseUrl = baseUrl;
        try {
            String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token request failed: " + r.statusCode() + " " + r.body());
            }
            this.token = JSON.readTree(r.body()).path("access_token").asText();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    List<JsonNode> query(String soql) {
        List<JsonNode> records = new ArrayList<>();
        String path = "/services/data/v64.0/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
        while (path != null) {
            JsonNode page = get(path);
            page.path("records").forEach(records::add);
            path = page.path("done").asBoolean(true) ? null : page.path("nextRecordsUrl").asText();
        }
        return records;
    }

    long count(String soql) {
        return get("/services/data/v64.0/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8)).path("totalSize").asLong();
    }

    /** POST /sobjects/{object} with a JSON body (as a sales rep's UI would); returns the new id. */
    String create(String sobject, String json) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/services/data/v64.0/sobjects/"
                            + sobject)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST " + sobject + " failed: " + r.statusCode() + " " + r.body());
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("id").asText();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PATCH /sobjects/{object}/{id} with a JSON body; the sandbox answers 204. */
    void update(String sobject, String id, String json) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/services/data/v64.0/sobjects/"
                            + sobject + "/" + id)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("PATCH " + sobject + "/" + id + " failed: " + r.statusCode() + " " + r.body());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " failed: " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
