package dev.tandem.server.e2e;

import dev.tandem.core.state.DeadLetter;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
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

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path CONSOLE = Path.of("..", "tandem-console").toAbsolutePath().normalize();
    private static final String FLOW = "clarity-order-to-salesforce";

    @Test
    void anOperatorRepairsADeadLetterInTheBrowserAndAViewerCannot(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("The console's browser test needs Chromium at " + CHROMIUM + ", and there is none: install it with "
                    + "`apt-get update && apt-get install -y chromium` (Debian's package; .ci/run does this), or "
                    + "set CHROMIUM to another Chromium binary");
        }
        if (!Files.isDirectory(CONSOLE.resolve("node_modules/playwright-core"))) {
            fail("The console's browser test runs " + CONSOLE.resolve("e2e/console-e2e.mjs") + " with playwright-core, "
                    + "which is not installed: build tandem-console first (`./mvnw -pl tandem-console package` runs "
                    + "npm ci)");
        }
        Demo.Options options = new Demo.Options(15, 50, 7, 0, 0, dir.resolve("data"), Duration.ofSeconds(60),
                TandemConfig.Ingest.WEBHOOK);
        try (Demo demo = new Demo(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false)) {
            demo.run(true);
            // A dead letter: an order whose customer has no last name (the sandbox's control API).
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(demo.clarity().controlUrl()
                    + "/orders?count=1&badData=MISSING_LAST_NAME")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 299);
            DeadLetter dead = await().atMost(Duration.ofSeconds(30)).until(() -> openDeadLetter(demo), Optional::isPresent)
                    .orElseThrow();
            String viewer = demo.tandem().adminApi().tokens().create("console-viewer", Role.VIEWER).secret();
            Path shots = Path.of("target", "console-screenshots").toAbsolutePath();
            Path logFile = Path.of("target", "console-e2e.log").toAbsolutePath();

            ProcessBuilder pb = new ProcessBuilder("node", "e2e/console-e2e.mjs").directory(CONSOLE.toFile())
                    .redirectErrorStream(true).redirectOutput(logFile.toFile());
            pb.environment().put("TANDEM_URL", demo.tandem().baseUrl().toString());
            pb.environment().put("OPERATOR_TOKEN", demo.operatorToken());
            pb.environment().put("VIEWER_TOKEN", viewer);
            pb.environment().put("DEAD_LETTER_ID", Long.toString(dead.id()));
            pb.environment().put("SCREENSHOTS", shots.toString());
            pb.environment().put("CHROMIUM", CHROMIUM.toString());
            Process node = pb.start();
            boolean finished = node.waitFor(180, TimeUnit.SECONDS);
            if (!finished) {
                node.destroyForcibly();
            }
            String log = Files.readString(logFile);
            assertThat(finished).as("the browser test finished within 180 s:\n" + log).isTrue();
            assertThat(node.exitValue()).as("the browser test:\n" + log).isZero();
            assertThat(log).contains("\"ok\":true");

            // What the browser did happened: the edited order is in Salesforce, once, and the dead letter resolved.
            SalesforceRest salesforce = new SalesforceRest(demo.salesforce().baseUrl(), demo.salesforce().tokenUrl(),
                    demo.salesforce().clientId(), demo.salesforce().clientSecret());
            assertThat(salesforce.count("SELECT COUNT() FROM Order WHERE Clarity_Order_Key__c = '" + dead.entityKey()
                    + "'")).isEqualTo(1);
            assertThat(demo.tandem().stateStore().deadLetter(dead.id()).orElseThrow().state())
                    .isEqualTo(DeadLetter.State.RESOLVED);
            for (String png : new String[]{"sign-in", "dashboard", "flows", "errors", "dead-letter",
                    "dead-letter-resolved", "dead-letter-viewer"}) {
                assertThat(shots.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }

    private static Optional<DeadLetter> openDeadLetter(Demo demo) {
        return demo.tandem().stateStore().deadLetters(Integer.MAX_VALUE).stream()
                .filter(d -> d.flow().equals(FLOW) && d.state() == DeadLetter.State.OPEN)
                .findFirst();
    }
}
