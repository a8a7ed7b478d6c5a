package dev.tandem.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.error.ApiError;
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

/** The step catalog through the pipeline, with a scripted source and target. */
class FlowPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FLOW = """
            id: test-flow
            from: { system: src, events: [Thing.Created] }
            picklists: { colour: { red: R, blue: B } }
            steps:
              - idempotentConsumer: { link: Thing, key: "$event.entityKey" }
              - fetch: { system: src, entity: Thing, related: [ { as: Owner, entity: Person, id: "OwnerID" } ] }
              - filter: { when: "Active", reason: "inactive things are not synced" }
              - validate:
                  rules:
                    - { rule: "Price >= 0", code: BUSINESS_RULE_VIOLATION, message: "thing {{Key}} has a negative price {{Price}}" }
                    - { each: "Parts", rule: "Qty > 0", code: BUSINESS_RULE_VIOLATION, message: "part {{$index}} of {{$root.Key}} has quantity {{Qty}}" }
                    - { rule: "$exists(Note)", code: MISSING_NOTE, message: "no note", severity: warning }
              - choice:
                  when:
                    - condition: "Kind = 'big'"
                      steps:
                        - transform: { mapping: big.jsonata }
                  otherwise:
                    - transform: { mapping: small.jsonata }
              - enrich: { using: test.ids }
              - to: { system: dst }
            """;
    private static final String BIG = """
            { "root": "thing", "records": [
              { "ref": "owner", "entity": "Person", "keyField": "Key__c", "key": Owner.Key, "fields": { "Name": Owner.Name } },
              { "ref": "thing", "entity": "Thing", "keyField": "Key__c", "key": Key,
                "fields": { "Size": "big", "Colour": $picklist(Colour, "colour"), "OwnerId": "@{owner.id}",
                            "Ext": { "enrich": "id", "of": Key } } } ] }
            """;
    private static final String SMALL = """
            { "records": [ { "ref": "thing", "entity": "Thing", "keyField": "Key__c", "key": Key,
                "fields": { "Size": "small", "Ratio": 1 / $number(Divisor), "Ext": { "enrich": "id", "of": Key } } } ] }
            """;

    private final Map<String, ObjectNode> things = new LinkedHashMap<>();
    private final Map<String, ObjectNode> people = new LinkedHashMap<>();
    private final List<Collection<String>> reads = new ArrayList<>();
    private final List<WriteGroup> written = new ArrayList<>();
    private final Map<String, ApiError> rejectByKey = new HashMap<>();
    private final Map<String, String> links = new LinkedHashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    private FlowPipeline pipeline() {
        FlowSpec spec = new FlowLoader(new FlowCatalog(Set.of("src"), Set.of("dst"), Set.of("test.ids")))
                .load("test.yaml", FLOW, f -> Optional.ofNullable(Map.of("big.jsonata", BIG, "small.jsonata", SMALL).get(f)));
        RecordReader reader = new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                throw new AssertionError("the pipeline reads batches");
            }

            @Override
            public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
                reads.add(List.copyOf(ids));
                Map<String, ObjectNode> source = entity.equals("Thing") ? things : people;
                Map<String, ObjectNode> found = new LinkedHashMap<>();
                ids.forEach(id -> Optional.ofNullable(source.get(id)).ifPresent(r -> found.put(id, r)));
                return found;
            }
        };
        RecordWriter writer = new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                written.add(group);
                ApiError reject = rejectByKey.get(group.rootRecord().key());
                if (reject != null) {
                    return CompletableFuture.completedFuture(new WriteOutcome.Rejected("thing", reject, "test"));
                }
                Map<String, String> ids = new HashMap<>();
                group.records().forEach(r -> ids.put(r.ref(), "ID-" + r.key()));
                return CompletableFuture.completedFuture(new WriteOutcome.Written(ids, false, "test"));
            }

            @Override
            public void flush() {
            }
        };
        Enricher ids = groups -> groups.stream().<Enricher.Result>map(g -> new Enricher.Result.Enriched(g.withRecords(
                g.records().stream().map(r -> {
                    ObjectNode f = r.fields().deepCopy();
                    if (f.has("Ext")) {
                        f.put("Ext", "EXT-" + f.path("Ext").path("of").asText());
                    }
                    return r.withFields(f);
                }).toList()))).toList();
        IdMap idMap = new IdMap() {
            @Override
            public void putId(String objectType, String sourceKey, String targetId) {
            }

            @Override
            public Optional<String> targetId(String objectType, String sourceKey) {
                return Optional.ofNullable(links.get(objectType + "/" + sourceKey));
            }

            @Override
            public Optional<String> sourceKey(String objectType, String targetId) {
                return Optional.empty();
            }

            @Override
            public long countIds(String objectType) {
                return 0;
            }
        };
        return new FlowPipeline(spec, Map.of(
                "src", new ConnectorParts("src", Optional.of(reader), Optional.empty(), Map.of()),
                "dst", new ConnectorParts("dst", Optional.empty(), Optional.of(writer), Map.of("test.ids", ids))),
                idMap, Clock.systemUTC());
    }

    @Test
    void theSystemsOfAFlowAreItsSourceAndThoseItsStepsFetchFromEnrichWithAndWriteTo() {
        // The runtime pauses the flow while one of them is unavailable.
        assertThat(pipeline().systems()).containsExactlyInAnyOrder("src", "dst");
    }

    private List<FlowOutcome> run(String... ids) {
        List<LoggedEvent> batch = new ArrayList<>();
        long offset = 1;
        for (String id : ids) {
            ObjectNode t = things.get(id);
            String key = t == null ? "" : t.path("Key").asText();
            batch.add(new LoggedEvent(offset++, new InboundEvent("src", "e" + offset, "Thing.Created", "Thing", id, key,
                    Instant.now(), "{}"), Instant.now()));
        }
        FlowState state = new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
                links.put(entity + "/" + sourceKey, targetId);
            }
        };
        return pipeline().process(batch, state);
    }

    private ObjectNode thing(String id, String kind) {
        ObjectNode t = JSON.createObjectNode().put("ID", id).put("Key", "T-" + id).put("Active", true)
                .put("Price", 5).put("Kind", kind).put("Colour", "red").put("OwnerID", "p1").put("Divisor", "2")
                .put("Note", "n");
        t.putArray("Parts").addObject().put("Qty", 1);
        things.put(id, t);
        people.putIfAbsent("p1", JSON.createObjectNode().put("Key", "P-1").put("Name", "Ann"));
        return t;
    }

    @Test
    void aBatchIsReadInOneRequestPerEntityAndRelatedRecordsAreFetchedById() {
        thing("1", "big");
        thing("2", "big");
        people.put("p1", JSON.createObjectNode().put("Key", "P-1").put("Name", "Ann"));

        List<FlowOutcome> out = run("1", "2");

        assertThat(out).allSatisfy(o -> assertThat(o).isInstanceOf(FlowOutcome.Synced.class));
        assertThat(reads).containsExactly(List.of("1", "2"), List.of("p1"));
        assertThat(written.getFirst().record("owner").orElseThrow().fields().path("Name").asText()).isEqualTo("Ann");
        assertThat(written.getFirst().rootRecord().fields().path("Colour").asText()).isEqualTo("R");
        assertThat(written.getFirst().rootRecord().fields().path("Ext").asText()).isEqualTo("EXT-T-1");
        assertThat(links).containsEntry("Thing/T-1", "ID-T-1").containsEntry("Person/P-1", "ID-P-1");
        assertThat(new ArrayList<>(links.keySet()).indexOf("Thing/T-1"))
                .as("the root is linked last").isGreaterThan(new ArrayList<>(links.keySet()).indexOf("Person/P-1"));
    }

    @Test
    void theContentBasedRouterSendsEachExchangeDownItsBranch() {
        thing("1", "big");
        thing("2", "small");

        run("1", "2");

        assertThat(written).extracting(g -> g.rootRecord().fields().path("Size").asText()).containsExactly("big", "small");
        assertThat(written.get(1).records()).hasSize(1);
    }

    @Test
    void brokenRulesDeadLetterWithTheirCodeAndRenderedMessageAndWarningsOnlyAudit() {
        thing("1", "big").put("Price", -3);
        ObjectNode two = thing("2", "big");
        two.remove("Note");
        ((ObjectNode) two.withArray("Parts").get(0)).put("Qty", 0);
        thing("3", "big").remove("Note");

        List<FlowOutcome> out = run("1", "2", "3");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("BUSINESS_RULE_VIOLATION");
            assertThat(f.message()).isEqualTo("thing T-1 has a negative price -3");
            assertThat(f.retryable()).isFalse();
        });
        assertThat(out.get(1)).isInstanceOfSatisfying(FlowOutcome.Failed.class,
                f -> assertThat(f.message()).isEqualTo("part 1 of T-2 has quantity 0"));
        assertThat(out.get(2)).isInstanceOf(FlowOutcome.Synced.class);
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.outcome()).isEqualTo("WARNING");
            assertThat(a.detail()).contains("MISSING_NOTE");
        });
    }

    @Test
    void theFilterSkipsWithItsReasonAndTheIdempotentConsumerSkipsLinkedRecords() {
        thing("1", "big").put("Active", false);
        thing("2", "big");
        links.put("Thing/T-2", "ID-OLD");

        List<FlowOutcome> out = run("1", "2");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Skipped.class,
                s -> assertThat(s.reason()).isEqualTo("inactive things are not synced"));
        assertThat(out.get(1)).isInstanceOfSatisfying(FlowOutcome.Skipped.class,
                s -> assertThat(s.reason()).contains("already synced as ID-OLD"));
        assertThat(written).isEmpty();
    }

    @Test
    void aMappingThatFailsOnOneRecordDeadLettersOnlyThatRecord() {
        thing("1", "small").put("Divisor", "not a number");
        thing("2", "small");

        List<FlowOutcome> out = run("1", "2");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("MAPPING_ERROR");
            assertThat(f.retryable()).isFalse();
        });
        assertThat(out.get(1)).isInstanceOf(FlowOutcome.Synced.class);
    }

    @Test
    void anUnknownPicklistValueIsAValidationErrorNotATargetError() {
        thing("1", "big").put("Colour", "green");
        people.put("p1", JSON.createObjectNode().put("Key", "P-1").put("Name", "Ann"));

        assertThat(run("1").getFirst()).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("PICKLIST_VALUE_UNKNOWN");
            assertThat(f.message()).contains("green");
        });
        assertThat(written).isEmpty();
    }

    @Test
    void aRecordTheSourceDoesNotHaveIsRetriedAndARejectedWriteCarriesTheTargetsError() {
        thing("2", "small");
        rejectByKey.put("T-2", new ApiError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Size is wrong", List.of("Size"), false));

        List<FlowOutcome> out = run("404", "2");

        assertThat(out.get(0)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("SRC_RECORD_NOT_FOUND");
            assertThat(f.retryable()).isTrue();
        });
        assertThat(out.get(1)).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("FIELD_CUSTOM_VALIDATION_EXCEPTION");
            assertThat(f.message()).contains("Size is wrong", "[Size]", "Thing T-2");
        });
    }
}
