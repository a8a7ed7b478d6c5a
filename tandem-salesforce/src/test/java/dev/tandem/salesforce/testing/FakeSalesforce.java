package dev.tandem.salesforce.testing;

import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.SalesforceRestClient;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FakeHttpServer} with a client-credentials token endpoint that issues numbered tokens
 * ({@code 00D000000000001AAA!token-1}, {@code ...!token-2}, ...) in the shape of salesforce-api.md §1.5.
 */
public final class FakeSalesforce implements AutoCloseable {

    public static final String CLIENT_ID = "3MVG9test.consumer_key";
    public static final String CLIENT_SECRET = "Consumer-Secret-9f8e7d";
    public static final String TOKEN_PATH = "/services/oauth2/token";
    public static final String ORG_ID = "00D000000000001AAA";

    private final FakeHttpServer http = new FakeHttpServer();
    private final AtomicInteger issued = new AtomicInteger();
    private final List<HttpClient> httpClients = new CopyOnWriteArrayList<>();

    public FakeSalesforce() {
        http.on("POST", TOKEN_PATH, request -> {
            int n = issued.incrementAndGet();
            return FakeHttpServer.Response.json(200, """
                    {"access_token":"%s","instance_url":"%s","id":"%s/id/%s/005000000000001AAA",
                     "token_type":"Bearer","issued_at":"1278448832702","signature":"c2ln"}"""
                    .formatted(token(n), http.baseUrl(), http.baseUrl(), ORG_ID));
        });
    }

    public static String token(int n) {
        return ORG_ID + "!token-" + n;
    }

    public FakeHttpServer http() {
        return http;
    }

    public int tokensIssued() {
        return issued.get();
    }

    public String currentToken() {
        return token(issued.get());
    }

    public static String data(String resource) {
        return "/services/data/v" + SalesforceConfig.DEFAULT_API_VERSION + "/" + resource;
    }

    public SalesforceConfig config() {
        return SalesforceConfig.of(URI.create(http.baseUrl() + TOKEN_PATH), CLIENT_ID, CLIENT_SECRET)
                .withRequestTimeout(Duration.ofSeconds(5));
    }

    public SalesforceRestClient client(SalesforceConfig config, MeterRegistry meters) {
        HttpClient httpClient = SalesforceRestClient.newHttpClient(config);
        httpClients.add(httpClient);
        return new SalesforceRestClient(config, new ClientCredentialsTokenProvider(config, httpClient), httpClient, meters);
    }

    public SalesforceRestClient client(MeterRegistry meters) {
        return client(config(), meters);
    }

    @Override
    public void close() {
        httpClients.forEach(HttpClient::close);
        http.close();
    }
}
