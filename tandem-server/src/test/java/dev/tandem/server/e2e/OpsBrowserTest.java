package dev.tandem.server.e2e;

import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.demo.Customer360Demo;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's Errors, record timeline and Alerts pages in a real browser (tandem-console's
 * {@code e2e/ops-e2e.mjs}), against two demos in this process: {@code tandem demo} with dead letters of two error
 * codes — the browser resolves one code in bulk after the server's dry-run count, and the store shows that exactly
 * those changed — and its alert rules; and {@code tandem demo --scenario customer360} after one customer registered
 * in Clarity and a sales rep changed the customer's phone in Salesforce, so the customer's timeline has both
 * directions. Screenshots go to {@code target/console-screenshots/}.
 */
class OpsBrowserTest {

    private static final String FLOW = "clarity-order-to-salesforce";
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void errorsTimelineAndAlertsWorkInTheBrowser(@TempDir Path dir) throws Exception {
        BrowserScript.requireBrowser();
        Demo.Options options = new Demo.Options(5, 50, 7, 0, 0, dir.resolve("orders"), Duration.ofSeconds(60),
                TandemConfig.Ingest.WEBHOOK);
        Customer360Demo.Options c360Options = new Customer360Demo.Options(1, 0, 1, 5, 11, dir.resolve("c360"),
                Duration.ofSeconds(60));
        try (Demo demo = new Demo(options, QUIET, false);
             Customer360Demo c360 = new Customer360Demo(c360Options, QUIET, false)) {
            demo.run(true);
            // Dead letters of two kinds, through the Clarity sandbox's control API.
            HttpClient http = HttpClient.newHttpClient();
            badOrders(http, demo, "MISSING_LAST_NAME", 3);
            badOrders(http, demo, "NEGATIVE_TOTAL", 2);
            List<DeadLetter> open = await().atMost(Duration.ofSeconds(30)).until(() -> openDeadLetters(demo),
                    l -> l.size() == 5);
            Map<String, Set<Long>> byCode = open.stream().collect(Collectors.groupingBy(DeadLetter::errorCode,
                    Collectors.mapping(DeadLetter::id, Collectors.toSet())));
            assertThat(byCode).as("the two kinds of bad order fail with different codes").hasSize(2);
            String code = byCode.entrySet().stream().filter(e -> e.getValue().size() == 3).findFirst().orElseThrow().getKey();
            Set<Long> toResolve = byCode.get(code);
            // The others: the order flow's dead letters of the other code, and those of every other flow (the demo's
            // customer flow dead-letters the same customers without a last name, with the same code).
            Set<Long> others = demo.tandem().stateStore().deadLetters(Integer.MAX_VALUE).stream()
                    .filter(d -> d.state() == DeadLetter.State.OPEN && !toResolve.contains(d.id()))
                    .map(DeadLetter::id).collect(Collectors.toSet());

            // Customer 360: one customer registers in Clarity, a rep changes the phone in Salesforce, it comes back.
            c360.run(true);
            String customerKey = c360Customer(c360);
            String admin = demo.tandem().adminApi().tokens().create("ops-e2e-admin", Role.ADMIN).secret();
            String c360Operator = c360.tandem().adminApi().tokens().create("ops-e2e-c360", Role.OPERATOR).secret();

            String log = BrowserScript.run("ops-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "OPERATOR_TOKEN", demo.operatorToken(),
                    "ADMIN_TOKEN", admin,
                    "BULK_FLOW", FLOW,
                    "BULK_CODE", code,
                    "BULK_EXPECTED", Integer.toString(toResolve.size()),
                    "C360_URL", c360.tandem().baseUrl().toString(),
                    "C360_TOKEN", c360Operator,
                    "CUSTOMER_KEY", customerKey), 240);

            // The confirmed bulk resolve changed exactly the dead letters of that code, with the reason, and no other.
            for (long id : toResolve) {
                DeadLetter d = demo.tandem().stateStore().deadLetter(id).orElseThrow();
                assertThat(d.state()).as("dead letter " + id).isEqualTo(DeadLetter.State.RESOLVED);
                assertThat(demo.tandem().stateStore().deadLetterHistory(id).getLast().detail())
                        .isEqualTo("fixed by hand in Salesforce (e2e)");
            }
            for (long id : others) {
                assertThat(demo.tandem().stateStore().deadLetter(id).orElseThrow().state()).as("dead letter " + id)
                        .isEqualTo(DeadLetter.State.OPEN);
            }
            assertThat(log).contains("\"bulkCount\"");
            // The rule the admin added in the browser is kept in the store.
            assertThat(demo.tandem().stateStore().alertRules()).extracting(r -> r.name()).contains("e2e-many-dead");
            for (String png : new String[]{"errors-tabs", "bulk-confirm", "timeline", "alerts"}) {
                assertThat(BrowserScript.SCREENSHOTS.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }

    private static void badOrders(HttpClient http, Demo demo, String kind, int count) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(demo.clarity().controlUrl()
                + "/orders?count=" + count + "&badData=" + kind)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isBetween(200, 299);
    }

    private static List<DeadLetter> openDeadLetters(Demo demo) {
        return demo.tandem().stateStore().deadLetters(Integer.MAX_VALUE).stream()
                .filter(d -> d.flow().equals(FLOW) && d.state() == DeadLetter.State.OPEN).toList();
    }

    /** The Clarity key of the customer whose Salesforce change came back: the Contact its CDC event is about. */
    private static String c360Customer(Customer360Demo c360) {
        List<LoggedEvent> events = c360.tandem().eventLog().readAfter(-1, 10_000);

        String salesforceId = events.stream().filter(e -> e.event().source().toLowerCase().startsWith("salesforce"))
                .map(e -> e.event().entityId()).findFirst()
                .orElseThrow(() -> new AssertionError("no Salesforce change event in the log: " + events));
        return c360.tandem().stateStore().sourceKey("Contact", salesforceId)
                .orElseThrow(() -> new AssertionError("Contact " + salesforceId + " is linked to no Clarity key"));
    }
}
