package dev.tandem.server.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Changes records in the Salesforce sandbox over its REST API, as a person or another integration would. */
final class TestSalesforce {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final SalesforceSandbox sf;
    private final String token;

    TestSalesforce(SalesforceSandbox sf) throws Exception {
        this.sf = sf;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sf.tokenUrl()))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (sf.clientId() + ":" + sf.clientSecret()).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        this.token = JSON.readTree(r.body()).path("access_token").asText();
    }

    void update(String sobject, String id, JsonNode fields) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sf.baseUrl()
                        + "/services/data/v64.0/sobjects/" + sobject + "/" + id))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(fields.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("PATCH " + sobject + "/" + id + ": " + r.statusCode() + " " + r.body());
        }
    }
}
