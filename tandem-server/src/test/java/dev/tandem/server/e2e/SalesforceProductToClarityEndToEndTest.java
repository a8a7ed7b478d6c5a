package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Salesforce → Clarity for the product fields Salesforce masters (issue 11, item 3), on both sandboxes through
 * {@code TandemServer} with Change Data Capture on Product2 and the shipped flows {@code clarity-product-to-salesforce}
 * and {@code salesforce-product-to-clarity}: a Description edited in Salesforce arrives in Clarity and the loop goes
 * quiet (the sandboxes' own request counters and the product's modified stamps), with Clarity's webhooks or its delta
 * poller reporting Tandem's own write; a Name (Clarity masters it) edited in Salesforce is not written to Clarity, and
 * the timeline says why; a Description edited on both sides ends as Salesforce's on both; the way back is off unless
 * switched on.
 */
class SalesforceProductToClarityEndToEndTest {

    private static final String TO_SALESFORCE = "clarity-product-to-salesforce";
    private static final String TO_CLARITY = "salesforce-product-to-clarity";
    private static final String PRODUCT_TOPIC = "/data/Product2ChangeEvent";

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A product created in Clarity and synced to Salesforce: its Clarity id and Product2 id. */
    private record Synced(int clarityId, String salesforceId) {
    }

    /**
     * The shipped flows as shipped (from the jar), with the given ones switched on, CDC on Product2, and one Clarity
     * product synced, with both flows' backlogs empty.
     */
    private Synced start(List<String> enabled) throws Exception {
        return start(enabled, false);
    }

    /** As {@link #start(List)}; {@code polled}: Clarity's changes reach Tandem by delta polling, not webhooks. */
    private Synced start(List<String> enabled, boolean polled) throws Exception {
        Map<String, Boolean> on = new java.util.HashMap<>();
        enabled.forEach(f -> on.put(f, true));
        stack = polled
                ? TandemStack.startPolling(dir, new TandemConfig.Flows(null, on),
                        List.of(dev.tandem.clarity.model.ClarityEntity.PRODUCT))
                : TandemStack.start(dir, new TandemConfig.Flows(null, on));
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Product2");
        stack.startTandem();
        assertThat(stack.tandem().flowProblems()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc").path(PRODUCT_TOPIC).asText()
                .equals("SUBSCRIBED"));
        assertThat(health().path("unsubscribedFlows").isEmpty()).as(health().toPrettyString()).isTrue();
        RecordRef created = stack.clarity.products().createProduct("CAT-R1", "Reverse Widget", new BigDecimal("20.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> product2().size() == 1);
        // Tandem's own Product2 write comes back as a change event: dropped as an echo, or found in sync.
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog(enabled) == 0);
        return new Synced(created.id(), product2().getFirst().path("Id").asText());
    }

    private List<JsonNode> product2() {
        return stack.salesforceRest().query("SELECT Id, Name, Description, LastModifiedDate FROM Product2 "
                + "WHERE Clarity_Product_Key__c = 'CAT-R1'");
    }

    private ProductModel clarityProduct(Synced p) {
        return stack.clarity.store().products().byId(p.clarityId()).orElseThrow();
    }

    /** A product manager edits the Product2 in Salesforce, as a person (not Tandem's integration user or client). */
    private void editInSalesforce(Synced p, String json) {
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Product2", p.salesforceId(), json);
        stack.salesforce.changeAsUser(null);
    }

    @Test
    void aDescriptionEditedInSalesforceArrivesInClarityAndTheLoopGoesQuiet() throws Exception {
        List<String> flows = List.of(TO_SALESFORCE, TO_CLARITY);
        Synced p = start(flows);
        assertQuiet(p, flows);
        assertThat(stack.tandem().status().cdcEchoesDropped()).as("the change event of Tandem's own Product2 write")
                .isPositive();
        String clarityName = clarityProduct(p).name();
        long before = stack.tandem().eventLog().endOffset();

        editInSalesforce(p, "{\"Description\":\"Now with a longer warranty.\"}");
        String editedAt = product2().getFirst().path("LastModifiedDate").asText();

        await().atMost(Duration.ofSeconds(30)).until(() ->
                "Now with a longer warranty.".equals(clarityProduct(p).description()));
        assertThat(clarityProduct(p).name()).as("only the field Salesforce masters").isEqualTo(clarityName);
        // One Clarity write, then nothing: no Salesforce call by anyone and no Clarity write to the product.
        assertQuiet(p, flows);
        assertThat(product2().getFirst().path("LastModifiedDate").asText())
                .as("Tandem did not write the Description back to Salesforce").isEqualTo(editedAt);
        assertThat(product2()).hasSize(1);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        // Tandem's Clarity write came back as a Product.Updated webhook: dropped by the way there, nothing written.
        List<dev.tandem.core.event.LoggedEvent> after = stack.tandem().eventLog().readAfter(before, 100);
        assertThat(after).anySatisfy(e -> {
            assertThat(e.event().type()).isEqualTo("Product.Updated");
            assertThat(stack.tandem().stateStore().auditFor(e.offset())).anySatisfy(a -> {
                assertThat(a.flow()).isEqualTo(TO_SALESFORCE);
                assertThat(a.outcome()).isEqualTo("SKIPPED");
                assertThat(a.detail()).startsWith("echo or no synced change");
            });
        });
        assertThat(after).as("one change event (the edit) and the echo of Tandem's Clarity write, nothing more")
                .hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void withClarityPolledTandemsOwnProductWriteFoundByThePollerIsAnEchoToo() throws Exception {
        List<String> flows = List.of(TO_SALESFORCE, TO_CLARITY);
        Synced p = start(flows, true);
        assertQuiet(p, flows);
        long before = stack.tandem().eventLog().endOffset();

        editInSalesforce(p, "{\"Description\":\"Found by the poller.\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> "Found by the poller.".equals(clarityProduct(p).description()));
        // The poller reports Tandem's write as Product.Updated (a new Hash): the way there drops it.
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().readAfter(before, 100).stream()
                .anyMatch(e -> e.event().type().equals("Product.Updated")
                        && e.event().entityId().equals(Integer.toString(p.clarityId()))));
        assertQuiet(p, flows);
        List<dev.tandem.core.event.LoggedEvent> polled = stack.tandem().eventLog().readAfter(before, 100).stream()
                .filter(e -> e.event().type().equals("Product.Updated")).toList();
        assertThat(polled).allSatisfy(e -> assertThat(stack.tandem().stateStore().auditFor(e.offset()))
                .anySatisfy(a -> assertThat(a.detail()).startsWith("echo or no synced change")));
    }

    @Test
    void aNameClarityMastersEditedInSalesforceIsNotWrittenToClarityAndTheTimelineSaysWhy() throws Exception {
        List<String> flows = List.of(TO_SALESFORCE, TO_CLARITY);
        Synced p = start(flows);
        assertQuiet(p, flows);
        Instant clarityModified = clarityProduct(p).updatedDate();
        long before = stack.tandem().eventLog().endOffset();

        editInSalesforce(p, "{\"Name\":\"Renamed by a rep\"}");

        // The change event is logged and settled by the way back, which writes nothing.
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().endOffset() > before
                && backlog(flows) == 0);
        assertThat(clarityProduct(p).name()).isEqualTo("Reverse Widget");
        assertThat(clarityProduct(p).updatedDate()).as("no Clarity write").isEqualTo(clarityModified);
        String viewer = stack.tandem().adminApi().tokens().create("viewer", Role.VIEWER).secret();
        JsonNode timeline = api(viewer, "/timeline?key=" + p.salesforceId());
        assertThat(timeline.findValuesAsText("detail")).as(timeline.toPrettyString()).anyMatch(d ->
                d.contains("Name: changed in salesforce, but clarity masters it (clarity-only) → not written"));
        assertQuiet(p, flows);
        assertThat(product2().getFirst().path("Name").asText()).as("the rep's name stays in Salesforce")
                .isEqualTo("Renamed by a rep");
    }

    @Test
    void aDescriptionEditedOnBothSidesEndsAsSalesforcesOnBothBecauseBothDirectionsApplyTheSamePolicy() throws Exception {
        List<String> flows = List.of(TO_SALESFORCE, TO_CLARITY);
        Synced p = start(flows);
        assertQuiet(p, flows);
        for (String flow : flows) {
            stack.tandem().runtime().pause(flow, "test", "both sides change while the flows wait");
        }
        long before = stack.tandem().eventLog().endOffset();
        stack.clarity.products().changeDescription(p.clarityId(), "The merchandiser's text.");
        editInSalesforce(p, "{\"Description\":\"The product manager's text.\"}");
        // Clarity's Product.Updated and Salesforce's change event are both in the log before either flow looks.
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().endOffset() >= before + 2);
        for (String flow : flows) {
            stack.tandem().runtime().resume(flow, "test", "both changes are in");
        }

        await().atMost(Duration.ofSeconds(30)).until(() ->
                "The product manager's text.".equals(clarityProduct(p).description()));
        assertQuiet(p, flows);
        assertThat(product2().getFirst().path("Description").asText()).isEqualTo("The product manager's text.");
        assertThat(clarityProduct(p).description()).isEqualTo("The product manager's text.");
        assertThat(stack.tandem().stateStore().conflicts(dev.tandem.core.sync.Conflict.OPEN, null, 10)).isEmpty();
    }

    @Test
    void theWayBackIsOffByDefaultAndAnEditInSalesforceChangesNothingInClarity() throws Exception {
        List<String> flows = List.of(TO_SALESFORCE);
        Synced p = start(flows);
        assertThat(stack.tandem().status().flows()).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo(TO_CLARITY);
            assertThat(f.enabled()).as("shipped off").isFalse();
        });
        Instant clarityModified = clarityProduct(p).updatedDate();
        String description = clarityProduct(p).description();
        long cdcBefore = stack.tandem().status().cdcEvents();

        editInSalesforce(p, "{\"Description\":\"Edited while the way back is off.\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().status().cdcEvents() > cdcBefore
                && backlog(flows) == 0);
        assertQuiet(p, flows);
        assertThat(clarityProduct(p).description()).isEqualTo(description);
        assertThat(clarityProduct(p).updatedDate()).isEqualTo(clarityModified);
        long end = stack.tandem().eventLog().endOffset();
        for (long offset = 1; offset <= end; offset++) {
            assertThat(stack.tandem().stateStore().auditFor(offset)).noneMatch(a -> a.flow().equals(TO_CLARITY));
        }
    }

    @Test
    void theWayBackSwitchedOnWithoutProduct2ChangeEventsIsReportedAsAConfigurationFault() throws Exception {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of(TO_CLARITY, true)));
        assertThat(health().path("unsubscribedFlows").path(TO_CLARITY).asText()).as("CDC off")
                .startsWith("salesforce.cdc is off").contains("objects: [Product2]");
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Contact");
        stack.startTandem();
        assertThat(health().path("unsubscribedFlows").path(TO_CLARITY).asText())
                .startsWith("salesforce.cdc.objects does not include Product2");
        assertThat(health().path("unsubscribedFlows").has(TO_SALESFORCE)).as("fed by Clarity").isFalse();
    }

    /**
     * Both flows' backlogs empty, then over two seconds: no Salesforce API request by anyone, no Clarity write to
     * the product (its UpdatedDate), nothing new in Tandem's event log.
     */
    private void assertQuiet(Synced p, List<String> flows) {
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog(flows) == 0
                && stack.clarity.webhooks().pendingDeliveries() == 0);
        long calls = stack.salesforce.apiRequestCount();
        Instant modified = clarityProduct(p).updatedDate();
        long logged = stack.tandem().eventLog().endOffset();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                stack.salesforce.apiRequestCount() == calls && modified.equals(clarityProduct(p).updatedDate())
                        && stack.tandem().eventLog().endOffset() == logged);
    }

    private long backlog(List<String> flows) {
        long end = stack.tandem().eventLog().endOffset();
        return flows.stream().mapToLong(f -> end - stack.tandem().eventLog().committedOffset(FlowRuntime.consumer(f)))
                .max().orElse(0);
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.tandem().baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private JsonNode api(String token, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stack.tandem().baseUrl() + "/api/v1" + path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }
}
