package dev.tandem.server.console;

import dev.tandem.server.api.ApiTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's files at / from tandem-console's jar: SPA routing, cache headers, CSP; the server's paths unchanged. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServingTest {

    private ApiTestServer api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.server.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** As a browser navigating asks (Chromium's Accept header). */
    private HttpResponse<String> navigate(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.server.baseUrl() + path))
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSecurityHeaders(HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'", "default-src 'self'", "frame-ancestors 'none'",
                "object-src 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void theRootIsTheConsolesIndexWithoutCachingAndWithTheCsp() throws Exception {
        HttpResponse<String> r = get("/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(r.body()).contains("<div id=\"root\"></div>").containsPattern("src=\"/assets/index-[^\"]+\\.js\"");
        // no inline script: every <script> has a src
        assertThat(r.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
        assertSecurityHeaders(r);
    }

    @Test
    void theConsolesOwnRoutesAnswerTheIndexForReloadsAndDeepLinks() throws Exception {
        String index = get("/").body();
        for (String path : new String[]{"/flows", "/errors", "/errors/12", "/errors?flow=x&state=open", "/some/deep/route"}) {
            HttpResponse<String> r = navigate(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).isEqualTo(index);
            assertThat(r.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            assertSecurityHeaders(r);
            // a client that does not ask for HTML (a script, a probe) keeps the 404 problem
            HttpResponse<String> script = get(path);
            assertThat(script.statusCode()).as(path).isEqualTo(404);
            assertThat(script.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
    }

    @Test
    void hashedAssetsAreServedWithALongCacheAndTheirType() throws Exception {
        Matcher m = Pattern.compile("/assets/index-[^\"]+\\.js").matcher(get("/").body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> js = get(m.group());

        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(js.body()).isNotEmpty();
        assertSecurityHeaders(js);
    }

    /** The first load (index.html and every file it references) within the budget of issue 12: 400 KB gzipped. */
    @Test
    void theFirstLoadIsWithinTheBundleBudget() throws Exception {
        String index = get("/").body();
        long total = gzipped(index.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(index);
        int files = 0;
        while (m.find()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(api.server.baseUrl() + m.group(1)))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(m.group(1)).isEqualTo(200);
            total += gzipped(r.body());
            files++;
        }
        assertThat(files).isGreaterThanOrEqualTo(2); // the script and the style sheet
        assertThat(total).as("first load gzipped, bytes").isLessThanOrEqualTo(400L * 1024);
    }

    private static long gzipped(byte[] bytes) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.size();
    }

    @Test
    void aMissingAssetOrAFileLikePathIs404NotTheIndex() throws Exception {
        for (String path : new String[]{"/assets/nope-123.js", "/assets/..%2f..%2fetc%2fpasswd", "/favicon.ico",
                "/robots.txt", "/assets/.hidden"}) {
            HttpResponse<String> r = navigate(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("<div id=\"root\">");
        }
    }

    @Test
    void theServersOwnPathsAreUnchanged() throws Exception {
        HttpResponse<String> unknownApi = navigate("/api/v1/no-such-thing");
        assertThat(unknownApi.statusCode()).isEqualTo(404);
        assertThat(unknownApi.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

        HttpResponse<String> health = get("/health/live");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\"");

        assertThat(get("/metrics").body()).contains("jvm_memory");
        assertThat(get("/api/v1/openapi.json").body()).contains("\"openapi\"");
        assertThat(get("/api/v1/status").statusCode()).isEqualTo(401);
        assertThat(navigate("/health/unknown").statusCode()).isEqualTo(404);

        // a GET on the webhook path is not the console: POST only, as before
        HttpResponse<String> webhookGet = navigate("/webhooks/clarity");
        assertThat(webhookGet.statusCode()).isIn(404, 405);
        assertThat(webhookGet.body()).doesNotContain("<div id=\"root\">");
    }

    @Test
    void aPostToAConsoleRouteIsNotAnsweredWithTheIndex() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.server.baseUrl() + "/flows"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isIn(404, 405);
        assertThat(r.body()).doesNotContain("<div id=\"root\">");
    }
}
