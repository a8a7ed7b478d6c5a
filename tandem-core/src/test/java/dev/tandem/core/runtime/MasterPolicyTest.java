package dev.tandem.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.ops.ConflictService;
import dev.tandem.core.ops.DeadLetterException;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.spi.SyncStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.sync.Conflict;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The master-data policy of a two-way flow's {@code to} step (issue 10 item 3), through the pipeline, with a scripted
 * shop (source) and crm (target) and an in-memory store: delta writes, echoes dropped without a read, each policy, the
 * review queue and its resolution.
 */
class MasterPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FLOW = """
            id: shop-to-crm
            from: { system: shop, events: [Person.Updated] }
            steps:
              - fetch: { system: shop, entity: Person }
              - transform: { mapping: person.jsonata }
              - to:
                  system: crm
                  master:
                    default: %s
                    window: 1m
                    objects:
                      Contact:
                        source: { entity: Person, id: ID, keyField: Key }
                        modified: { source: Updated, target: Modified }
                        fields:
                          Phone: { source: Tel }
                          Email: { source: Mail, master: shop-wins }
            """;
    private static final String MAPPING = """
            { "records": [ { "ref": "c", "entity": "Contact", "keyField": "Key__c", "key": Key,
                "fields": { "Phone": Tel, "Email": Mail, "Note": "from the shop", "Own": OwnId } } ] }
            """;

    private final Map<String, ObjectNode> shop = new LinkedHashMap<>();
    private final Map<String, ObjectNode> crm = new LinkedHashMap<>();
    private final List<Collection<String>> crmReads = new ArrayList<>();
    private final List<WriteGroup> written = new ArrayList<>();
    private final Memory memory = new Memory();
    private long offset;

    private FlowPipeline pipeline(String policy) {
        var spec = new FlowLoader(new FlowCatalog(Set.of("shop", "crm"), Set.of("shop", "crm"), Set.of()))
                .load("f.yaml", FLOW.formatted(policy), f -> Optional.of(MAPPING));
        return new FlowPipeline(spec, connectors(), memory, Clock.systemUTC());
    }

    private Map<String, ConnectorParts> connectors() {
        return Map.of("shop", new ConnectorParts("shop", Optional.of(reader(shop, null)), Optional.of(writer(shop, "Key")),
                        Map.of(), Optional::empty, "shop:"),
                "crm", new ConnectorParts("crm", Optional.of(reader(crm, crmReads)), Optional.of(writer(crm, "Key__c")),
                        Map.of()));
    }

    private static RecordReader reader(Map<String, ObjectNode> records, List<Collection<String>> reads) {
        return new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                return Optional.ofNullable(records.get(id)).map(ObjectNode::deepCopy);
            }

            @Override
            public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
                if (reads != null) {
                    reads.add(List.copyOf(ids));
                }
                Map<String, ObjectNode> out = new LinkedHashMap<>();
                ids.forEach(id -> fetch(entity, id).ifPresent(r -> out.put(id, r)));
                return out;
            }
        };
    }

    /** Upserts by key; the id of a record is {@code ID-<key>}. */
    private RecordWriter writer(Map<String, ObjectNode> records, String keyField) {
        return new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                written.add(group);
                Map<String, String> ids = new HashMap<>();
                group.records().forEach(r -> {
                    String id = keyField.equals("Key") ? records.values().stream()
                            .filter(x -> x.path("Key").asText().equals(r.key())).findFirst()
                            .map(x -> x.path("ID").asText()).orElse("?") : "ID-" + r.key();
                    ObjectNode rec = records.computeIfAbsent(id, k -> JSON.createObjectNode().put("ID", k));
                    rec.put(keyField, r.key());
                    rec.setAll(r.fields());
                    rec.put(keyField.equals("Key") ? "Updated" : "Modified", Instant.now().toString());
                    ids.put(r.ref(), id);
                });
                return CompletableFuture.completedFuture(new WriteOutcome.Written(ids, false, "test"));
            }

            @Override
            public void flush() {
            }
        };
    }

    private ObjectNode person(String id, String tel, String mail, Instant updated) {
        ObjectNode p = JSON.createObjectNode().put("ID", id).put("Key", "P-" + id).put("Tel", tel).put("Mail", mail)
                .put("Updated", updated.toString());
        shop.put(id, p);
        return p;
    }

    private List<FlowOutcome> run(String policy, String... ids) {
        return runWithPayload(policy, "{}", ids);
    }

    private List<FlowOutcome> runWithPayload(String policy, String payload, String... ids) {
        List<LoggedEvent> batch = new ArrayList<>();
        for (String id : ids) {
            offset++;
            batch.add(new LoggedEvent(offset, new InboundEvent("shop", "e" + offset, "Person.Updated", "Person", id,
                    "P-" + id, Instant.now(), payload), Instant.now()));
        }
        return pipeline(policy).process(batch, memory);
    }

    /** Syncs person 1 once: both sides hold +1, a@x; the crm contact is ID-P-1. */
    private void firstSync(String policy) {
        person("1", "+1", "a@x", Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(run(policy, "1")).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        written.clear();
        crmReads.clear();
    }

    @Test
    void theFirstSyncWritesEverythingAndTandemsOwnValuesComingBackAreAnEchoDroppedWithoutAReadOrWrite() {
        firstSync("newest-wins");
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+1");

        List<FlowOutcome> again = run("newest-wins", "1");

        assertThat(again).singleElement().isInstanceOfSatisfying(FlowOutcome.Skipped.class, s ->
                assertThat(s.reason()).startsWith("echo or no synced change"));
        assertThat(written).isEmpty();
        assertThat(crmReads).as("no call to the target for an echo").isEmpty();
    }

    @Test
    void onlyTheFieldsTheSourceChangedAreWrittenAndTheTargetIsReadOncePerBatch() {
        person("2", "+2", "b@x", Instant.parse("2026-01-01T00:00:00Z"));
        firstSync("newest-wins");
        run("newest-wins", "2");
        written.clear();
        crmReads.clear();
        shop.get("1").put("Tel", "+10");
        shop.get("2").put("Tel", "+20");
        crm.get("ID-P-1").put("Email", "rep@x"); // a change in the crm the shop did not make

        assertThat(run("newest-wins", "1", "2")).allMatch(o -> o instanceof FlowOutcome.Synced);

        assertThat(crmReads).containsExactly(List.of("ID-P-1", "ID-P-2"));
        assertThat(written).hasSize(2).allSatisfy(g -> assertThat(g.rootRecord().fields().has("Email")).isFalse());
        assertThat(crm.get("ID-P-1").path("Email").asText()).as("the crm's own change survives").isEqualTo("rep@x");
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+10");
    }

    @Test
    void aFieldNamingTheLinkedRecordsOwnIdIsNoChangeOfItsOwn() {
        firstSync("newest-wins");
        // Now the mapping names the record's own target id (as an enricher adopting the record by its id would).
        shop.get("1").put("OwnId", "ID-P-1");

        assertThat(run("newest-wins", "1")).singleElement().isInstanceOfSatisfying(FlowOutcome.Skipped.class, s ->
                assertThat(s.reason()).startsWith("echo or no synced change"));
        assertThat(written).isEmpty();

    }

    @Test
    void aFieldNamingTheLinkedRecordsOwnIdGoesAlongWithARealChange() {
        firstSync("newest-wins");
        shop.get("1").put("OwnId", "ID-P-1").put("Tel", "+10");

        run("newest-wins", "1");

        assertThat(written).singleElement().satisfies(g -> {
            assertThat(g.rootRecord().fields().path("Phone").asText()).isEqualTo("+10");
            assertThat(g.rootRecord().fields().path("Own").asText()).isEqualTo("ID-P-1");
        });
    }

    @Test
    void aRepairEventWritesTheDriftedFieldsItNamesAlthoughTheirBaselinesSayInSync() {
        firstSync("newest-wins");
        // Changed in the crm behind the sync's back (no change event): the baselines still say +1 / "from the shop".
        crm.get("ID-P-1").put("Phone", "+666").put("Note", "edited").put("Email", "rep@x");

        assertThat(run("newest-wins", "1")).singleElement().isInstanceOf(FlowOutcome.Skipped.class);
        assertThat(crm.get("ID-P-1").path("Phone").asText()).as("an ordinary event sees nothing to write")
                .isEqualTo("+666");

        List<FlowOutcome> repaired = runWithPayload("newest-wins",
                "{\"" + dev.tandem.core.sync.Reconciler.REPAIR + "\":{\"Contact\":[\"Phone\",\"Note\"]}}", "1");

        assertThat(repaired).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        assertThat(written).singleElement().satisfies(g -> assertThat(g.rootRecord().fields().properties())
                .extracting(Map.Entry::getKey).containsExactlyInAnyOrder("Phone", "Note"));
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+1");
        assertThat(crm.get("ID-P-1").path("Note").asText()).isEqualTo("from the shop");
        assertThat(crm.get("ID-P-1").path("Email").asText()).as("a field the repair does not name is left alone")
                .isEqualTo("rep@x");
        written.clear();
        assertThat(run("newest-wins", "1")).as("in sync again: the next ordinary event is an echo").singleElement()
                .isInstanceOf(FlowOutcome.Skipped.class);
    }

    @Test
    void aLinkedRecordDeletedInTheTargetIsNeitherWrittenNorRecreated() {
        firstSync("newest-wins");
        shop.get("1").put("Tel", "+10");
        crm.remove("ID-P-1"); // a rep deleted the contact

        assertThat(run("newest-wins", "1")).singleElement().isInstanceOfSatisfying(FlowOutcome.Skipped.class, s ->
                assertThat(s.reason()).startsWith("not written:").contains("no longer in crm"));
        assertThat(written).isEmpty();
        assertThat(crm).doesNotContainKey("ID-P-1");
    }

    @Test
    void aFieldTheSourceSystemMastersIsWrittenWithoutReadingTheTarget() {
        firstSync("newest-wins");
        shop.get("1").put("Mail", "new@x");
        crm.get("ID-P-1").put("Email", "rep@x");

        run("newest-wins", "1");

        assertThat(crmReads).isEmpty();
        assertThat(crm.get("ID-P-1").path("Email").asText()).isEqualTo("new@x");
    }

    @Test
    void theTargetsPolicyKeepsItsValueAndTheSourcesIsNotWritten() {
        firstSync("crm-wins");
        shop.get("1").put("Tel", "+9");
        crm.get("ID-P-1").put("Phone", "+7");

        List<FlowOutcome> out = run("crm-wins", "1");

        assertThat(out).singleElement().isInstanceOf(FlowOutcome.Skipped.class);
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+7");
        assertThat(memory.audit).anyMatch(a -> a.detail().contains("Phone: changed on both sides, crm-wins → crm's value kept"));
    }

    @Test
    void aFieldTheTargetMastersAloneIsNotWrittenWhenTheSourceChangesItAndTheTimelineSaysWhy() {
        // Linked under another policy first, then the crm masters the Phone alone.
        firstSync("newest-wins");
        shop.get("1").put("Tel", "+9");

        List<FlowOutcome> out = run("crm-only", "1");

        assertThat(out).singleElement().isInstanceOf(FlowOutcome.Skipped.class);
        assertThat(written).isEmpty();
        assertThat(crmReads).as("nothing to compare: the crm's value stands").isEmpty();
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+1");
        assertThat(memory.audit).anyMatch(a -> a.detail().contains(
                "Phone: changed in shop, but crm masters it (crm-only) → not written"));

        // Still different next time: said again, still not written; a field the shop masters goes on.
        memory.audit.clear();
        shop.get("1").put("Mail", "new@x");
        run("crm-only", "1");
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+1");
        assertThat(crm.get("ID-P-1").path("Email").asText()).isEqualTo("new@x");
        assertThat(memory.audit).anyMatch(a -> a.detail().contains("Phone: changed in shop, but crm masters it"));
    }

    @Test
    void aFieldTheTargetMastersAloneIsNotWrittenOnTheFirstSyncEither() {
        firstSync("crm-only");

        assertThat(crm.get("ID-P-1").has("Phone")).as("the crm's field, not the shop's to fill").isFalse();
        assertThat(crm.get("ID-P-1").path("Email").asText()).as("shop-wins: the shop's to write").isEqualTo("a@x");
        assertThat(memory.audit).anyMatch(a -> a.detail().contains("Phone: crm masters it (crm-only) → not written"));
    }

    @Test
    void aFieldTheSourceMastersAloneIsWrittenWithoutReadingTheTargetAndWinsAConflict() {
        firstSync("shop-only");
        shop.get("1").put("Tel", "+9");
        crm.get("ID-P-1").put("Phone", "+7");

        run("shop-only", "1");

        assertThat(crmReads).isEmpty();
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+9");
    }

    @Test
    void newestWinsTakesTheLaterSideAndSendsChangesInsideTheWindowToReviewOnce() {
        firstSync("newest-wins");
        shop.get("1").put("Tel", "+9").put("Updated", Instant.now().toString());
        crm.get("ID-P-1").put("Phone", "+7").put("Modified", Instant.now().minusSeconds(600).toString());

        run("newest-wins", "1");
        assertThat(crm.get("ID-P-1").path("Phone").asText()).as("the shop's change is 10 minutes newer").isEqualTo("+9");

        shop.get("1").put("Tel", "+99").put("Updated", Instant.now().toString());
        crm.get("ID-P-1").put("Phone", "+77").put("Modified", Instant.now().toString());
        run("newest-wins", "1");
        shop.get("1").put("Tel", "+999");
        run("newest-wins", "1");

        assertThat(memory.conflicts).singleElement().satisfies(c -> {
            assertThat(c.reason()).as("the first finding's").contains("too close to call");
            assertThat(c.sourceValue()).isEqualTo("\"+999\"");
            assertThat(c.targetValue()).isEqualTo("\"+77\"");
        });
        assertThat(crm.get("ID-P-1").path("Phone").asText()).as("held while under review").isEqualTo("+77");
    }

    @Test
    void aManualConflictIsResolvedByWritingTheChosenValueToTheSideThatLacksItAndIsThenQuiet() {
        firstSync("manual");
        shop.get("1").put("Tel", "+9");
        crm.get("ID-P-1").put("Phone", "+7");
        run("manual", "1");
        Conflict c = memory.conflicts.getFirst();
        assertThat(c.open()).isTrue();
        assertThat(c.target().address()).isEqualTo("crm/Contact/ID-P-1/Phone");
        ConflictService service = new ConflictService(memory, memory, connectors(), Clock.systemUTC());

        assertThatThrownBy(() -> service.resolve(c.id(), "nobody", null, "ops")).isInstanceOf(DeadLetterException.class)
                .hasMessageContaining("take must be one of [shop, crm, value]");
        assertThatThrownBy(() -> service.resolve(c.id(), "value", null, "ops")).hasMessageContaining("needs the value");
        assertThatThrownBy(() -> service.resolve(c.id(), "value", JSON.createObjectNode(), "ops"))
                .hasMessageContaining("not an object");
        var r = service.resolve(c.id(), "crm", null, "ops");

        assertThat(r.written()).containsExactly("shop");
        assertThat(shop.get("1").path("Tel").asText()).isEqualTo("+7");
        assertThat(memory.conflict(c.id()).orElseThrow().state()).isEqualTo(Conflict.RESOLVED);
        assertThat(memory.audit).anyMatch(a -> a.step().equals("conflict") && a.detail().contains("resolved by ops: take crm"));
        assertThatThrownBy(() -> service.resolve(c.id(), "crm", null, "ops")).hasMessageContaining("already resolved");
        written.clear();
        crmReads.clear();
        assertThat(run("manual", "1")).singleElement().isInstanceOf(FlowOutcome.Skipped.class);
        assertThat(written).isEmpty();
        assertThatThrownBy(() -> service.resolve(c.id() + 1000, "value", TextNode.valueOf("x"), "ops"))
                .hasMessage("no conflict " + (c.id() + 1000));
    }

    @Test
    void theLoaderRefusesAPolicyItDoesNotKnowAndAnObjectWithoutItsSource() {
        FlowLoader loader = new FlowLoader(new FlowCatalog(Set.of("shop", "crm"), Set.of("shop", "crm"), Set.of()));
        assertThatThrownBy(() -> loader.load("f.yaml", FLOW.formatted("erp-wins"), f -> Optional.of(MAPPING)))
                .isInstanceOf(FlowFileException.class)
                .hasMessageContaining("unknown master policy 'erp-wins': use crm-wins, shop-wins, crm-only, shop-only, newest-wins or manual");
        String noSource = FLOW.formatted("manual").replaceAll("(?m)^ *source: \\{ entity: Person.*\n", "");
        assertThatThrownBy(() -> loader.load("f.yaml", noSource, f -> Optional.of(MAPPING)))
                .hasMessageContaining("f.yaml:12:11: required property 'source' not found");
        assertThatThrownBy(() -> loader.load("f.yaml", FLOW.formatted("manual").replace("window: 1m", "window: soon"),
                f -> Optional.of(MAPPING))).hasMessageContaining("window 'soon' is not a duration such as 90s, 2m or 1h");
    }

    /** Links, baselines, conflicts, audit and flow state in memory. */
    private static final class Memory implements IdMap, SyncStore, FlowState, AuditTrail {
        final Map<String, String> links = new HashMap<>();
        final Map<String, Map<String, String>> baselines = new HashMap<>();
        final List<Conflict> conflicts = new ArrayList<>();
        final List<AuditEntry> audit = new ArrayList<>();

        @Override
        public void putId(String objectType, String sourceKey, String targetId) {
            links.put(objectType + "/" + sourceKey, targetId);
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
            return links.size();
        }

        @Override
        public void link(String entity, String sourceKey, String targetId) {
            putId(entity, sourceKey, targetId);
        }

        @Override
        public void audit(AuditEntry entry) {
            audit.add(entry);
        }

        @Override
        public List<AuditEntry> auditFor(long eventOffset) {
            return audit.stream().filter(a -> a.eventOffset() == eventOffset).toList();
        }

        @Override
        public Map<String, String> baseline(String system, String entity, String recordId) {
            return Map.copyOf(baselines.getOrDefault(system + "/" + entity + "/" + recordId, Map.of()));
        }

        @Override
        public void saveBaseline(String system, String entity, String recordId, Map<String, String> h, Instant at) {
            baselines.computeIfAbsent(system + "/" + entity + "/" + recordId, k -> new HashMap<>()).putAll(h);
        }

        @Override
        public Optional<Conflict> openConflict(String pairKey) {
            return conflicts.stream().filter(c -> c.open() && c.pairKey().equals(pairKey)).findFirst();
        }

        @Override
        public Conflict openConflict(Conflict c) {
            Optional<Conflict> open = openConflict(c.pairKey());
            Conflict stored = new Conflict(open.map(Conflict::id).orElse((long) conflicts.size() + 1), c.flowId(),
                    Conflict.OPEN, c.source(), c.target(), c.sourceValue(), c.targetValue(), c.sourceModified(),
                    c.targetModified(), c.policy(), open.map(Conflict::reason).orElse(c.reason()), c.eventOffset(),
                    c.openedAt(), c.updatedAt(), "", "", null);
            open.ifPresent(conflicts::remove);
            conflicts.add(stored);
            return stored;
        }

        @Override
        public Optional<Conflict> conflict(long id) {
            return conflicts.stream().filter(c -> c.id() == id).findFirst();
        }

        @Override
        public List<Conflict> conflicts(String state, String flowId, int limit) {
            return conflicts;
        }

        @Override
        public boolean resolveConflict(long id, String resolution, String by, Instant at) {
            Optional<Conflict> c = conflict(id).filter(Conflict::open);
            c.ifPresent(o -> conflicts.set(conflicts.indexOf(o), new Conflict(o.id(), o.flowId(), Conflict.RESOLVED,
                    o.source(), o.target(), o.sourceValue(), o.targetValue(), o.sourceModified(), o.targetModified(),
                    o.policy(), o.reason(), o.eventOffset(), o.openedAt(), o.updatedAt(), resolution, by, at)));
            return c.isPresent();
        }

        @Override
        public long countOpenConflicts() {
            return conflicts.stream().filter(Conflict::open).count();
        }
    }
}
