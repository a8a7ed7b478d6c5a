package dev.tandem.server.e2e;

import dev.tandem.core.state.DeadLetter;
import dev.tandem.server.api.Role;
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
 * The web console in a real browser: a {@code tandem demo} in this process, then tandem-console's
 * {@code e2e/console-e2e.mjs} driving Debian's headless Chromium through playwright-core — sign in with the demo's
 * token, the dashboard counts synced orders, a dead letter (an order without a last name, made through the Clarity
 * sandbox's control API) is edited and retried in the browser and lands in Salesforce, a name with
 * {@code <script>} stays text, a viewer has no retry button and the API answers 403, the CSP header is there.
 * Screenshots of each page go to {@code target/console-screenshots/}.
 */
class ConsoleBrowserEndToEndTest {

    private static final String FLOW = "clarity-order-to-salesforce";

    @Test
    void anOperatorRepairsADeadLetterInTheBrowserAndAViewerCannot(@TempDir Path dir) throws Exception {
        BrowserScript.requireBrowser();
        try (Demo demo = BrowserScript.startDemo(dir.resolve("data"), 15, 7)) {
            // A dead letter: an order whose customer has no last name (the sandbox's control API).
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(demo.clarity().controlUrl()
                    + "/orders?count=1&badData=MISSING_LAST_NAME")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 299);
            DeadLetter dead = await().atMost(Duration.ofSeconds(30)).until(() -> openDeadLetter(demo), Optional::isPresent)
                    .orElseThrow();
            String viewer = demo.tandem().adminApi().tokens().create("console-viewer", Role.VIEWER).secret();
            BrowserScript.run("console-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "OPERATOR_TOKEN", demo.operatorToken(),
                    "VIEWER_TOKEN", viewer,
                    "DEAD_LETTER_ID", Long.toString(dead.id())), 180);

            // What the browser did happened: the edited order is in Salesforce, once, and the dead letter resolved.
            SalesforceRest salesforce = BrowserScript.salesforce(demo);
            assertThat(salesforce.count("SELECT COUNT() FROM Order WHERE Clarity_Order_Key__c = '" + dead.entityKey()
                    + "'")).isEqualTo(1);
            assertThat(demo.tandem().stateStore().deadLetter(dead.id()).orElseThrow().state())
                    .isEqualTo(DeadLetter.State.RESOLVED);
            for (String png : new String[]{"sign-in", "dashboard", "flows", "errors", "dead-letter",
                    "dead-letter-resolved", "dead-letter-viewer"}) {
                assertThat(BrowserScript.SCREENSHOTS.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }

    private static Optional<DeadLetter> openDeadLetter(Demo demo) {
        return demo.tandem().stateStore().deadLetters(Integer.MAX_VALUE).stream()
                .filter(d -> d.flow().equals(FLOW) && d.state() == DeadLetter.State.OPEN)
                .findFirst();
    }
}
