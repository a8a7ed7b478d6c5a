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

/** The demo's admin API: the operator token it prints works, and is an operator's, not an admin's. */
class DemoApiTest {

    @Test
    void theDemosOperatorTokenReadsTheApiButCannotManageTokens(@TempDir Path dir) {
        Demo.Options options = new Demo.Options(0, 10, 1, 0, 0, dir, Duration.ofSeconds(30),
                TandemConfig.Ingest.WEBHOOK);
        try (Demo demo = new Demo(options, new PrintStream(new ByteArrayOutputStream()), false)) {
            assertThat(demo.apiUrl()).isEqualTo(demo.tandem().baseUrl() + "/api/v1");
            ApiClient client = new ApiClient(demo.tandem().baseUrl(), demo.operatorToken());

            assertThat(client.apiUrl()).isEqualTo(URI.create(demo.apiUrl()));
            assertThat(client.get("/status").path("flows").isArray()).isTrue();
            assertThatThrownBy(() -> client.get("/tokens")).hasMessageContaining("403 forbidden")
                    .hasMessageContaining("you have operator");
        }
    }
}
