package dev.tandem.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** split and aggregate through the pipeline, with a scripted source and target. */
class SplitAggregateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINE_PLAN = """
            { "root": "order", "records": [
              { "ref": "order", "entity": "Order", "keyField": "Key__c", "key": Key, "fields": { "Name": Key } } ] }
            """;
    private static final String PART_PLAN = """
            { "records": [ { "ref": "line" & $splitIndex, "entity": "OrderItem", "keyField": "Key__c",
                             "key": $parent.Key & "-" & Sku, "fields": { "Qty": $number(Qty) } } ] }
            """;

    private final Map<String, ObjectNode> orders = new LinkedHashMap<>();
    private final List<WriteGroup> written = new ArrayList<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    private FlowPipeline pipeline(String steps) {
        String yaml = "id: split-test\nfrom: { system: src, events: [Order.Created] }\nsteps:\n" + steps;
        FlowSpec spec = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of("dst"), Set.of()))
                .load("split.yaml", yaml, f -> Optional.ofNullable(Map.of("part.jsonata", PART_PLAN, "order.jsonata", LINE_PLAN).get(f)));
        RecordReader reader = new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                throw new AssertionError("the pipeline reads batches");
            }

            @Override
            public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
                Map<String, ObjectNode> found = new LinkedHashMap<>();
                ids.forEach(id -> Optional.ofNullable(orders.get(id)).ifPresent(r -> found.put(id, r)));
                return found;
            }
        };
        RecordWriter writer = new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                written.add(group);
                Map<String, String> ids = new HashMap<>();
                group.records().forEach(r -> ids.put(r.ref(), "ID-" + r.key()));
                return CompletableFuture.completedFuture(new WriteOutcome.Written(ids, false, "test"));
            }

            @Override
            public void flush() {
            }
        };
        return new FlowPipeline(spec, Map.of(
                "src", new ConnectorParts("src", Optional.of(reader), Optional.empty(), Map.of()),
                "dst", new ConnectorParts("dst", Optional.empty(), Optional.of(writer), Map.of())),
                IdMap.none(), Clock.systemUTC());
    }

    private List<FlowOutcome> run(String steps, String... ids) {
        List<LoggedEvent> batch = new ArrayList<>();
        long offset = 1;
        for (String id : ids) {
            batch.add(new LoggedEvent(offset++, new InboundEvent("src", "e" + offset, "Order.Created", "Order", id, "K-" + id,
                    Instant.now(), "{}"), Instant.now()));
        }
        FlowState state = new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
            }
        };
        return pipeline(steps).process(batch, state);
    }

    private ObjectNode order(String id, Object... skuQty) {
        ObjectNode o = JSON.createObjectNode().put("ID", id).put("Key", "SO-" + id);
        ArrayNode lines = o.putArray("Lines");
        for (int i = 0; i < skuQty.length; i += 2) {
            lines.addObject().put("Sku", (String) skuQty[i]).put("Qty", String.valueOf(skuQty[i + 1]));
        }
        orders.put(id, o);
        return o;
    }

    private static final String FETCH = "  - fetch: { system: src, entity: Order }\n";

    private static final String PLAN_PER_PART = FETCH + """
              - split: { expression: "Lines" }
              - filter: { when: "$number(Qty) > 0", reason: "no quantity" }
              - transform: { mapping: part.jsonata }
              - aggregate:
                  into: plan
                  aggregationStrategy: |
                    { "root": "order", "records": $append(
                        [{ "ref": "order", "entity": "Order", "keyField": "Key__c", "key": $parent.Key, "fields": { "Lines": $count($) } }],
                        $plans.records) }
              - to: { system: dst }
            """;

    @Test
    void partsTransformedOneByOneAreAggregatedIntoOneWritePlanInTheirOrder() {
        order("1", "A", 1, "B", 0, "C", 3, "D", 4);
        order("2", "X", 2);

        List<FlowOutcome> out = run(PLAN_PER_PART, "1", "2");

        assertThat(out).allSatisfy(o -> assertThat(o).isInstanceOf(FlowOutcome.Synced.class));
        assertThat(written).hasSize(2);
        WriteGroup first = written.getFirst();
        assertThat(first.records()).extracting(r -> r.key()).containsExactly("SO-1", "SO-1-A", "SO-1-C", "SO-1-D");
        assertThat(first.records()).extracting(r -> r.ref()).containsExactly("order", "line0", "line2", "line3");
        assertThat(first.rootRecord().fields().path("Lines").asInt()).isEqualTo(3);
        assertThat(written.get(1).records()).extracting(r -> r.key()).containsExactly("SO-2", "SO-2-X");
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.step()).isEqualTo("filter");
            assertThat(a.outcome()).isEqualTo("SKIPPED");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.step()).isEqualTo("aggregate");
            assertThat(a.detail()).contains("3 of 4 parts, 1 skipped");
        });
    }

    private static final String INTO_BODY = FETCH + """
              - split: { expression: "Lines" }
              - filter: { when: "$number(Qty) > 0" }
              - aggregate: { aggregationStrategy: "$merge([$parent, {'Lines': $, 'Count': $count($)}])" }
              - filter: { when: "Count > 0", reason: "no lines left" }
              - transform: { mapping: order.jsonata }
              - to: { system: dst }
            """;

    @Test
    void aggregatingIntoTheBodyKeepsTheOrderAndLeavesFilteredPartsOut() {
        order("1", "A", 5, "B", 0, "C", 7);

        assertThat(run(INTO_BODY, "1")).singleElement().isInstanceOf(FlowOutcome.Synced.class);

        assertThat(written).singleElement().satisfies(g -> assertThat(g.rootRecord().key()).isEqualTo("SO-1"));
        assertThat(audit).anySatisfy(a -> assertThat(a.detail()).isEqualTo("2 of 3 parts, 1 skipped aggregated into the body"));
    }

    @Test
    void anEmptyArrayGivesNoPartsAndTheAggregationRunsOnAnEmptyArray() {
        order("1");
        List<FlowOutcome> out = run(INTO_BODY, "1");
        assertThat(out).singleElement().isInstanceOfSatisfying(FlowOutcome.Skipped.class,
                s -> assertThat(s.reason()).isEqualTo("no lines left"));
        assertThat(written).isEmpty();
        assertThat(audit).anySatisfy(a -> assertThat(a.detail()).isEqualTo("0 parts"));
    }

    @Test
    void anUndefinedAggregationSkipsTheExchangeWithTheReason() {
        order("1", "A", 0, "B", 0);
        String steps = FETCH + """
                  - split: { expression: "Lines" }
                  - filter: { when: "$number(Qty) > 0" }
                  - aggregate: { aggregationStrategy: "$count($) > 0 ? $ : undefined" }
                  - to: { system: dst }
                """;
        assertThat(run(steps, "1")).singleElement().isInstanceOfSatisfying(FlowOutcome.Skipped.class,
                s -> assertThat(s.reason()).isEqualTo("the aggregationStrategy gave no value (0 of 2 parts, 2 skipped)"));
        assertThat(written).isEmpty();
    }

    @Test
    void aValueThatIsNotAnArrayIsOnePartAndAMissingOneIsNone() {
        ObjectNode o = JSON.createObjectNode().put("ID", "1").put("Key", "SO-1");
        o.putObject("Lines").put("Sku", "A").put("Qty", "2");
        orders.put("1", o);
        orders.put("2", JSON.createObjectNode().put("ID", "2").put("Key", "SO-2"));

        List<FlowOutcome> out = run(PLAN_PER_PART, "1", "2");

        assertThat(out).allSatisfy(x -> assertThat(x).isInstanceOf(FlowOutcome.Synced.class));
        assertThat(written.getFirst().records()).extracting(r -> r.key()).containsExactly("SO-1", "SO-1-A");
        assertThat(written.get(1).records()).extracting(r -> r.key()).containsExactly("SO-2");
    }

    @Test
    void aFailingPartFailsItsExchangeWithThePartsIndexAndStopsItsSiblingsButNotOtherExchanges() {
        order("1", "A", 1, "B", -2, "C", 3);
        order("2", "X", 2);
        String steps = FETCH + """
                  - split: { expression: "Lines" }
                  - validate: { rules: [ { rule: "$number(Qty) >= 0", code: BAD_QUANTITY, message: "line {{Sku}} has quantity {{Qty}}" } ] }
                  - transform: { mapping: part.jsonata }
                  - to: { system: dst }
                """;

        List<FlowOutcome> out = run(steps, "1", "2");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("BAD_QUANTITY");
            assertThat(f.message()).isEqualTo("part [1] of 3 failed: BAD_QUANTITY: line B has quantity -2");
            assertThat(f.retryable()).isFalse();
            assertThat(f.payload()).contains("\"Sku\":\"A\"", "\"Sku\":\"C\""); // the whole record is dead-lettered
        });
        assertThat(out.get(1)).isInstanceOfSatisfying(FlowOutcome.Synced.class,
                s -> assertThat(s.detail()).isEqualTo("1 of 1 parts processed"));
        // the split without an aggregate runs to the end: order 2's one part is written, nothing of order 1
        assertThat(written).extracting(g -> g.rootRecord().key()).containsExactly("SO-2-X");
    }

    @Test
    void aMappingErrorInOnePartDeadLettersTheExchangeNamingThePart() {
        order("1", "A", 1, "B", "many");
        order("2", "X", 2);

        List<FlowOutcome> out = run(PLAN_PER_PART.replace("$number(Qty) > 0", "true"), "1", "2");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("MAPPING_ERROR");
            assertThat(f.message()).startsWith("part [1] of 2 failed: MAPPING_ERROR: ");
        });
        assertThat(out.get(1)).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(written).extracting(g -> g.rootRecord().key()).containsExactly("SO-2");
    }

    @Test
    void manyFailedPartsAreCountedAndRetryableOnlyWhenAllAre() {
        order("1", "A", -1, "B", -1, "C", -1, "D", -1, "E", -1);
        String steps = FETCH + """
                  - split: { expression: "Lines" }
                  - validate: { rules: [ { rule: "$number(Qty) >= 0", code: BAD_QUANTITY, message: "bad {{Sku}}" } ] }
                  - aggregate: {}
                """;
        assertThat(run(steps, "1")).singleElement().isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> assertThat(f.message())
                .isEqualTo("part [0] of 5 failed: BAD_QUANTITY: bad A; part [1] of 5 failed: BAD_QUANTITY: bad B; "
                        + "part [2] of 5 failed: BAD_QUANTITY: bad C; and 2 more parts failed"));
    }

    @Test
    void aSplitGivingMorePartsThanMaxPartsFailsPermanently() {
        order("1", "A", 1, "B", 1, "C", 1);
        String steps = FETCH + "  - split: { expression: \"Lines\", maxParts: 2 }\n  - aggregate: {}\n";
        assertThat(run(steps, "1")).singleElement().isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("SPLIT_TOO_LARGE");
            assertThat(f.retryable()).isFalse();
            assertThat(f.message()).contains("3 parts", "maxParts 2");
        });
    }

    @Test
    void hostileInputAHugeArrayIsRefusedAndDeepPartsDoNotBreakTheBatch() {
        ObjectNode big = JSON.createObjectNode().put("ID", "1").put("Key", "SO-1");
        ArrayNode lines = big.putArray("Lines");
        for (int i = 0; i < 20_000; i++) {
            lines.add(i);
        }
        orders.put("1", big);
        ObjectNode deep = JSON.createObjectNode().put("ID", "2").put("Key", "SO-2");
        JsonNode nested = JSON.createObjectNode().put("Sku", "Z").put("Qty", "1");
        for (int i = 0; i < 200; i++) {
            ObjectNode wrap = JSON.createObjectNode();
            wrap.set("inner", nested);
            nested = wrap;
        }
        deep.putArray("Lines").add(nested).add(JSON.createObjectNode().put("Sku", "Y").put("Qty", "2"));
        orders.put("2", deep);
        String steps = FETCH + """
                  - split: { expression: "Lines" }
                  - filter: { when: "$exists(Sku)", reason: "not a line" }
                  - aggregate: { aggregationStrategy: "$merge([$parent, {'Lines': $}])" }
                  - transform: { mapping: order.jsonata }
                  - to: { system: dst }
                """;

        List<FlowOutcome> out = run(steps, "1", "2");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> assertThat(f.errorCode()).isEqualTo("SPLIT_TOO_LARGE"));
        assertThat(out.get(1)).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(written).extracting(g -> g.rootRecord().key()).containsExactly("SO-2");
    }

    @Test
    void splitsNestAndEachPartSeesItsIndexSizeAndParent() {
        ObjectNode o = JSON.createObjectNode().put("ID", "1").put("Key", "SO-1");
        ArrayNode lines = o.putArray("Lines");
        lines.addObject().put("Sku", "A").putArray("Serials").add("a1").add("a2");
        lines.addObject().put("Sku", "B").putArray("Serials").add("b1");
        orders.put("1", o);
        String steps = FETCH + """
                  - split: { expression: "Lines" }
                  - split: { expression: "Serials" }
                  - aggregate: { aggregationStrategy: "$map($, function($s) { $parent.Sku & ':' & $s })" }
                  - aggregate: { aggregationStrategy: "{ 'Key': $parent.Key, 'Lines': [$] }" }
                  - transform: { mapping: order.jsonata }
                  - to: { system: dst }
                """;
        assertThat(run(steps, "1")).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        assertThat(audit).filteredOn(a -> a.step().equals("aggregate")).extracting(AuditEntry::detail)
                .contains("2 of 2 parts aggregated into the body", "1 of 1 parts aggregated into the body");
    }

}
