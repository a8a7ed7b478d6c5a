package dev.tandem.server.e2e;

import dev.tandem.core.state.DeadLetter;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 item 9, "works in Chromium and Firefox": the console in Debian's Firefox ESR (WebDriver BiDi through
 * puppeteer-core; tandem-console's {@code e2e/firefox-e2e.mjs}) against a {@code tandem demo}: sign in, every page
 * renders its content (dashboard, flows, errors, a dead letter, timeline, alerts, demo, designer, mapping canvas), a
 * flow is paused and resumed, sign-out; no script error in the page. The Chromium tests check the behaviour in depth.
 */
class FirefoxBrowserTest {

    private static final String FLOW = "clarity-order-to-salesforce";

    @Test
    void everyPageWorksInFirefox(@TempDir Path dir) throws Exception {
        BrowserScript.requireFirefox();
        try (Demo demo = BrowserScript.startDemo(dir.resolve("data"), 5, 7)) {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    demo.clarity().controlUrl() + "/orders?count=1&badData=MISSING_LAST_NAME"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 299);
            DeadLetter dead = await().atMost(Duration.ofSeconds(30)).until(() -> demo.tandem().stateStore()
                    .deadLetters(Integer.MAX_VALUE).stream()
                    .filter(d -> d.flow().equals(FLOW) && d.state() == DeadLetter.State.OPEN).findFirst(),
                    Optional::isPresent).orElseThrow();

            String log = BrowserScript.runFirefox("firefox-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "OPERATOR_TOKEN", demo.operatorToken(),
                    "DEAD_LETTER_ID", Long.toString(dead.id()),
                    "CUSTOMER_KEY", dead.entityKey()), 240);

            assertThat(log).contains("firefox/");
            // The pause and resume went through, by the operator's session.
            assertThat(demo.tandem().stateStore().flowControls().get(FLOW)).isNotNull()
                    .satisfies(c -> assertThat(c.paused()).isFalse());
            for (String png : new String[]{"firefox-dashboard", "firefox-mapping", "firefox-flows"}) {
                assertThat(BrowserScript.SCREENSHOTS.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }
}
