package dev.tandem.server.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tandem.server.api.AdminApiSecurityTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code api.*} settings: rate limits, CORS for listed origins, the protected {@code /metrics}. */
class AdminApiSettingsTest {

    /** A period of an hour: nothing refills while the test runs, so the counts are exact. */
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aTokenOverItsLimitIsAnswered429WithRetryAfter(@TempDir Path dir) {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiSettings.defaults().withRateLimits(3, 1000, HOUR))) {
            String token = api.token("busy", Role.VIEWER);
            String other = api.token("calm", Role.VIEWER);
            for (int i = 0; i < 3; i++) {
                assertThat(api.get("/api/v1/status", token).statusCode()).isEqualTo(200);
            }

            HttpResponse<String> limited = api.get("/api/v1/status", token);

            assertThat(limited.statusCode()).isEqualTo(429);
            assertProblem(limited, "rate_limited");
            assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();
            assertThat(api.get("/api/v1/status", other).statusCode()).as("another token has its own limit")
                    .isEqualTo(200);
        }
    }

    @Test
    void anAddressOverItsLimitIsAnswered429EvenWithoutAToken(@TempDir Path dir) {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiSettings.defaults().withRateLimits(1000, 4, HOUR))) {
            for (int i = 0; i < 4; i++) {
                assertThat(api.get("/api/v1/status", "tdm_guess" + i).statusCode()).isEqualTo(401);
            }

            HttpResponse<String> limited = api.get("/api/v1/status", "tdm_guess");

            assertThat(limited.statusCode()).isEqualTo(429);
            assertProblem(limited, "rate_limited");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void listedOriginsGetCorsHeadersAndOthersDoNot(@TempDir Path dir) {
        String console = "https://console.example.com";
        try (ApiTestServer api = ApiTestServer.start(dir,
                ApiTestServer.unlimited().withAllowedOrigins(List.of(console)))) {
            String token = api.token("browser", Role.VIEWER);

            HttpResponse<String> allowed = api.send(HttpRequest.newBuilder(api.uri("/api/v1/status"))
                    .header("Origin", console).header("Authorization", "Bearer " + token).build());
            HttpResponse<String> other = api.send(HttpRequest.newBuilder(api.uri("/api/v1/status"))
                    .header("Origin", "https://evil.example").header("Authorization", "Bearer " + token).build());

            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(console);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void metricsNeedATokenWhenProtected(@TempDir Path dir) {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited().withProtectMetrics(true))) {
            String token = api.token("prometheus", Role.VIEWER);

            assertThat(api.get("/metrics", null).statusCode()).isEqualTo(401);
            HttpResponse<String> scraped = api.get("/metrics", token);
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("tandem_");
            assertThat(api.get("/health", null).statusCode()).as("/health stays open").isIn(200, 503);
        }
    }

    @Test
    void metricsAreOpenByDefault(@TempDir Path dir) {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            assertThat(api.get("/metrics", null).statusCode()).isEqualTo(200);
        }
    }
}
