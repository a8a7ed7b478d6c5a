package dev.tandem.server.e2e;

import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowVersionStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.api.Role;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flow designer in a real browser against {@code tandem demo}: {@code e2e/designer-e2e.mjs} adds a Message
 * Filter to the order flow (keeping only orders up to one the test made) and saves it; then the file in the demo's
 * flows.dir has it, the server reloaded it (a new version running and in the store), and the next order is dropped
 * by the filter: audited as SKIPPED by the new version, and never sent to Salesforce. It also edits a step inside a
 * content-based router's branch of the customer flow by keyboard alone (Tab to the node on the canvas, Enter): the
 * file then differs from the shipped one in that line only, its comments kept.
 */
class DesignerBrowserTest {

    private static final String FLOW = "clarity-order-to-salesforce";
    /** The shipped flow with a content-based router: its Contact branch's second step is a filter. */
    private static final String ROUTED = "clarity-customer-to-salesforce";
    private static final String BRANCH_REASON = "designer e2e: edited by keyboard in the Contact branch";

    @Test
    void aFilterAddedInTheDesignerIsSavedReloadedAndDropsTheNextOrder(@TempDir Path dir) throws Exception {
        BrowserScript.requireBrowser();
        try (Demo demo = BrowserScript.startDemo(dir.resolve("data"), 3, 11)) {
            SalesforceRest salesforce = BrowserScript.salesforce(demo);
            // The last order the filter keeps: synced before the change, as the flow has always done.
            SalesOrderRef kept = demo.clarity().orders().createRandomOrder();
            await().atMost(Duration.ofSeconds(60)).until(() -> ordersInSalesforce(salesforce, kept) == 1);
            String before = running(demo);
            String admin = demo.tandem().adminApi().tokens().create("designer-admin", Role.ADMIN).secret();

            BrowserScript.run("designer-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "ADMIN_TOKEN", admin,
                    "FLOW", FLOW,
                    "CONDITION", "ID <= " + kept.id(),
                    "TEMPLATE", "clarity-order-to-opportunity",
                    "NEW_FLOW", "designer-opportunities",
                    "ROUTED_FLOW", ROUTED,
                    "BRANCH_REASON", BRANCH_REASON), 180);

            // The file on disk changed: the designer wrote it into the demo's flows.dir, with the filter.
            Path file = demo.flowsDir().resolve(FLOW + ".yaml");
            assertThat(file).exists();
            String yaml = Files.readString(file);
            assertThat(yaml).contains("- filter:").contains("ID <= " + kept.id());
            assertThat(demo.flowsDir().resolve(FLOW + ".jsonata")).as("its mapping came along").exists();
            // The server reloaded it: a new version runs, and the store has it.
            String after = running(demo);
            assertThat(after).isNotEqualTo(before);
            FlowVersionStore versions = (FlowVersionStore) demo.tandem().stateStore();
            assertThat(versions.versions(FLOW)).extracting(FlowVersionStore.Version::version).contains(before, after);
            assertThat(versions.version(FLOW, after).orElseThrow().definition()).contains("ID <= " + kept.id());

            // The flow made from a template: its file, switched off, and loaded (not running).
            assertThat(Files.readString(demo.flowsDir().resolve("designer-opportunities.yaml")))
                    .contains("id: designer-opportunities").contains("enabled: false");
            assertThat(demo.tandem().runtime().flows()).anySatisfy(f -> {
                assertThat(f.name()).isEqualTo("designer-opportunities");
                assertThat(f.enabled()).isFalse();
            });

            // The branch step edited by keyboard: that one scalar changed in the file, every other line (the
            // comments inside the branch included) as shipped.
            List<String> shipped = resourceLines("/flows/" + ROUTED + ".yaml");
            List<String> saved = Files.readAllLines(demo.flowsDir().resolve(ROUTED + ".yaml"));
            assertThat(saved).hasSameSizeAs(shipped);
            List<Integer> changed = java.util.stream.IntStream.range(0, shipped.size())
                    .filter(i -> !shipped.get(i).equals(saved.get(i))).boxed().toList();
            assertThat(changed).hasSize(1);
            assertThat(saved.get(changed.getFirst())).contains("- filter:").contains(BRANCH_REASON)
                    .contains("TypeKey = 'User' or $exists(AccountContact)");
            assertThat(demo.tandem().runtime().flows()).anySatisfy(f -> {
                assertThat(f.name()).isEqualTo(ROUTED);
                assertThat(versions.version(ROUTED, f.version()).orElseThrow().definition()).contains(BRANCH_REASON);
            });

            // A new order is dropped by the filter: audited as filtered by the new version, not in Salesforce.
            SalesOrderRef dropped = demo.clarity().orders().createRandomOrder();
            assertThat(dropped.id()).isGreaterThan(kept.id());
            List<AuditEntry> audit = await().atMost(Duration.ofSeconds(60)).until(() -> auditOf(demo, dropped),
                    entries -> entries.stream().anyMatch(a -> a.step().equals("filter")));
            assertThat(audit).anySatisfy(a -> {
                assertThat(a.step()).isEqualTo("filter");
                assertThat(a.outcome()).isEqualTo("SKIPPED");
                assertThat(a.flowVersion()).isEqualTo(after);
                assertThat(a.detail()).contains("held back");
            });
            assertThat(audit).noneMatch(a -> a.step().equals("to"));
            assertThat(ordersInSalesforce(salesforce, dropped)).isZero();
            for (String png : new String[]{"designer", "designer-step-form", "flows-new-from-template", "designer-branch-step"}) {
                assertThat(BrowserScript.SCREENSHOTS.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }

    private static List<String> resourceLines(String resource) throws java.io.IOException {
        try (var in = DesignerBrowserTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static String running(Demo demo) {
        return demo.tandem().runtime().flows().stream().filter(f -> f.name().equals(FLOW)).map(Flow::version)
                .findFirst().orElseThrow();
    }

    private static long ordersInSalesforce(SalesforceRest salesforce, SalesOrderRef order) {
        return salesforce.count("SELECT COUNT() FROM Order WHERE Clarity_Order_Key__c = '" + order.customKey() + "'");
    }

    private static List<AuditEntry> auditOf(Demo demo, SalesOrderRef order) {
        List<Long> offsets = demo.tandem().eventLog().readAfter(-1, 100_000).stream()
                .filter(e -> e.event().entity().equals("SalesOrder") && e.event().entityId().equals(String.valueOf(order.id())))
                .map(LoggedEvent::offset).toList();
        return demo.tandem().stateStore().auditFor(offsets).stream().filter(a -> a.flow().equals(FLOW)).toList();
    }
}
