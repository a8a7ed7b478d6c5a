package dev.tandem.server.demo;

import dev.tandem.server.cli.ApiClient;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo's admin API: the operator token it prints works, and is an operator's, not an admin's; the Demo page's
 * change buttons refuse with the reason while there is nothing to change.
 */
class DemoApiTest {

    @Test
    void theDemosOperatorTokenReadsTheApiButCannotManageTokens(@TempDir Path dir) throws Exception {
        Demo.Options options = new Demo.Options(0, 10, 1, 0, 0, dir, Duration.ofSeconds(30),
                TandemConfig.Ingest.WEBHOOK);
        try (Demo demo = new Demo(options, new PrintStream(new ByteArrayOutputStream()), false)) {
            assertThat(demo.apiUrl()).isEqualTo(demo.tandem().baseUrl() + "/api/v1");
            ApiClient client = new ApiClient(demo.tandem().baseUrl(), demo.operatorToken());

            assertThat(client.apiUrl()).isEqualTo(URI.create(demo.apiUrl()));
            assertThat(client.get("/status").path("flows").isArray()).isTrue();
            assertThatThrownBy(() -> client.get("/tokens")).hasMessageContaining("403 forbidden")
                    .hasMessageContaining("you have operator");

            // Before anything is synced the Demo page's "change" buttons say what to do first: a 409 with the
            // reason, not a 500 and not a change made to nothing.
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String[] action : new String[][] {{"change-price", "no_synced_product", "add a product first"},
                    {"change-stock", "no_synced_product", "add a product first"},
                    {"change-phone", "no_linked_contact", "register a customer or create an order first"}}) {
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(URI.create(
                                demo.apiUrl() + "/demo/actions/" + action[0]))
                        .header("Authorization", "Bearer " + demo.operatorToken())
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(action[0] + ": " + r.body()).isEqualTo(409);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(r.body()).contains("\"code\":\"" + action[1] + "\"").contains(action[2]);
            }
        }
    }
}
