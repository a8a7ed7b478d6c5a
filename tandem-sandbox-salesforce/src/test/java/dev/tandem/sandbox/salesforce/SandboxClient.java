package dev.tandem.sandbox.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A minimal raw-HTTP client for the sandbox tests: no Tandem connector code, just java.net.http. */
final class SandboxClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String V = "/services/data/v66.0";

    record Response(int status, HttpHeaders headers, String text) {

        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final SalesforceSandbox sandbox;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    SandboxClient(SalesforceSandbox sandbox) {
        this.sandbox = sandbox;
    }

    String login() {
        Response response = form(sandbox.tokenUrl(), "grant_type=client_credentials&client_id=" + sandbox.clientId()
                + "&client_secret=" + sandbox.clientSecret(), null);
        if (response.status() != 200) {
            throw new IllegalStateException("login failed: " + response.text());
        }
        token = response.json().get("access_token").asText();
        return token;
    }

    Response form(String url, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    Response get(String path) {
        return send(authorized(path).GET());
    }

    Response delete(String path) {
        return send(authorized(path).DELETE());
    }

    Response post(String path, Object body) {
        return send(authorized(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text(body))));
    }

    Response patch(String path, Object body) {
        return send(authorized(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(text(body))));
    }

    /** An authorised request with a raw body of the given content type (e.g. a Bulk API CSV upload). */
    Response raw(String method, String path, String body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = authorized(path).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    Response send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** A body of unknown length, which java.net.http sends with Transfer-Encoding: chunked. */
    Response sendChunked(String path, String body, String contentType) {
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofString(body));
        return send(authorized(path).header("Content-Type", contentType).POST(chunked));
    }

    /** Creates a record and returns its id, failing the test on any error. */
    String create(String type, Object body) {
        Response response = post(V + "/sobjects/" + type, body);
        if (response.status() != 201) {
            throw new AssertionError("create " + type + " failed: " + response.status() + " " + response.text());
        }
        return response.json().get("id").asText();
    }

    /** An active product with a standard price. Returns {productId, standardEntryId}. */
    String[] productWithStandardPrice(String key, double price) {
        String product = create("Product2", Map.of("Name", "Product " + key, "Clarity_Product_Key__c", key,
                "IsActive", true));
        String entry = create("PricebookEntry", Map.of("Pricebook2Id", sandbox.standardPricebookId(),
                "Product2Id", product, "UnitPrice", price, "IsActive", true));
        return new String[] {product, entry};
    }

    String draftOrder(String accountId) {
        return create("Order", Map.of("AccountId", accountId, "EffectiveDate", "2024-05-01", "Status", "Draft",
                "Pricebook2Id", sandbox.standardPricebookId()));
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private HttpRequest.Builder authorized(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static String text(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
