package dev.tandem.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.spi.SyncStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.sync.Conflict;
import dev.tandem.core.sync.RecordLocks;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The race of a two-way sync (ADR 0018, "the race"), made deterministic: the crm's writer lets the other direction run
 * while this direction's write is in flight — after the write reached the crm but before its baselines are stored,
 * or before it reached the crm — and the test waits (Awaitility, no sleeps) until the other direction either
 * finished or waits for the record's lock. Two flows, shop → crm and crm → shop, over scripted systems and an
 * in-memory store, through the real pipeline and {@code to} step.
 */
class TwoWaySyncRaceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TO_CRM = """
            id: shop-to-crm
            from: { system: shop, events: [Person.Updated] }
            steps:
              - fetch: { system: shop, entity: Person }
              - transform: { mapping: to-crm.jsonata }
              - to:
                  system: crm
                  master:
                    default: newest-wins
                    window: 1m
                    objects:
                      Contact:
                        source: { entity: Person, id: ID, keyField: Key }
                        modified: { source: Updated, target: Modified }
                        fields:
                          Phone: { source: Tel }
                          Email: { source: Mail }
            """;
    private static final String TO_SHOP = """
            id: crm-to-shop
            from: { system: crm, events: [Contact.Updated] }
            steps:
              - fetch: { system: crm, entity: Contact }
              - transform: { mapping: to-shop.jsonata }
              - to:
                  system: shop
                  master:
                    default: newest-wins
                    window: 1m
                    objects:
                      Person:
                        source: { entity: Contact, id: ID, keyField: Key__c }
                        modified: { source: Modified, target: Updated }
                        fields:
                          Tel: { source: Phone }
                          Mail: { source: Email }
            """;
    private static final Map<String, String> MAPPINGS = Map.of(
            "to-crm.jsonata", """
                    { "records": [ { "ref": "c", "entity": "Contact", "keyField": "Key__c", "key": Key,
                        "fields": { "Phone": Tel, "Email": Mail } } ] }""",
            "to-shop.jsonata", """
                    { "records": [ { "ref": "p", "entity": "Person", "keyField": "Key", "key": Key__c,
                        "fields": { "Tel": Phone, "Mail": Email } } ] }""");
    private static final String CRM_CONTACT = "crm/Contact/ID-P-1";

    private final Map<String, ObjectNode> shop = new LinkedHashMap<>();
    private final Map<String, ObjectNode> crm = new LinkedHashMap<>();
    private final AtomicInteger crmReads = new AtomicInteger();
    private final Memory memory = new Memory();
    private final AtomicLongOffset offsets = new AtomicLongOffset();
    /** Run by the crm's writer once, before (false) or after (true) the write reaches the crm. */
    private final AtomicReference<Runnable> beforeCrmWrite = new AtomicReference<>();
    private final AtomicReference<Runnable> afterCrmWrite = new AtomicReference<>();

    @Test
    void aRepsChangeSyncedWhileTheCustomersChangeIsStillBeingWrittenIsNoConflict() throws Exception {
        firstSync();
        shop.get("1").put("Tel", "+2").put("Updated", Instant.now().toString());
        AtomicReference<List<FlowOutcome>> back = new AtomicReference<>();
        // The customer's +2 has reached the crm; before its baselines are stored the rep overwrites it with +3 and
        // the way back picks that up.
        afterCrmWrite.set(() -> {
            synchronized (crm) {
                crm.get("ID-P-1").put("Phone", "+3").put("Modified", Instant.now().toString());
            }
            runTheOtherDirection(back);
        });

        List<FlowOutcome> there = toCrm("1");
        awaitTheOtherDirection(back);

        assertThat(there).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        assertThat(memory.conflicts).as("the rep changed +2, which had been synced: only one side changed it").isEmpty();
        assertThat(back.get()).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        assertThat(shop.get("1").path("Tel").asText()).isEqualTo("+3");
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+3");
        assertThat(memory.audit).anyMatch(a -> a.flow().equals("crm-to-shop")
                && a.detail().contains("Tel: changed in crm → written"));
    }

    @Test
    void aSourceCopyReadBeforeTheOtherDirectionsWriteIsReadAgainAndItsOldValueNotSyncedBack() throws Exception {
        firstSync();
        shop.get("1").put("Tel", "+2").put("Updated", Instant.now().toString());
        crm.get("ID-P-1").put("Email", "rep@x").put("Modified", Instant.now().toString());
        AtomicReference<List<FlowOutcome>> back = new AtomicReference<>();
        // The way back reads the rep's contact (Phone still +1) before the customer's +2 reaches the crm, and decides
        // after it did.
        beforeCrmWrite.set(() -> runTheOtherDirection(back));

        toCrm("1");
        awaitTheOtherDirection(back);

        assertThat(memory.conflicts).isEmpty();
        assertThat(shop.get("1").path("Tel").asText()).as("the way back's stale +1 is not written back").isEqualTo("+2");
        assertThat(crm.get("ID-P-1").path("Phone").asText()).isEqualTo("+2");
        assertThat(shop.get("1").path("Mail").asText()).as("what the rep changed still crosses").isEqualTo("rep@x");
        assertThat(memory.audit).anyMatch(a -> a.flow().equals("crm-to-shop") && a.detail().contains(
                "Tel: crm changed it after this event's read"));
    }

    @Test
    void aBatchWaitsForTheLockOfARecordTheOtherDirectionHolds() throws Exception {
        firstSync();
        RecordLocks.Held held = memory.locks.lock(List.of(CRM_CONTACT), System.nanoTime());
        crm.get("ID-P-1").put("Phone", "+3").put("Modified", Instant.now().toString());
        AtomicReference<List<FlowOutcome>> back = new AtomicReference<>();
        runTheOtherDirection(back);
        assertThat(back.get()).as("waiting for the lock").isNull();
        held.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> back.get() != null);
        assertThat(back.get()).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        assertThat(shop.get("1").path("Tel").asText()).isEqualTo("+3");
    }

    // ---- the other direction, on its own thread

    private Thread other;

    /** Starts the crm → shop flow for the contact; returns when it finished or waits for the record's lock. */
    private void runTheOtherDirection(AtomicReference<List<FlowOutcome>> result) {
        LoggedEvent event = new LoggedEvent(offsets.next(), new InboundEvent("crm", "c" + offsets.current(),
                "Contact.Updated", "Contact", "ID-P-1", "P-1", Instant.now(), "{}"), Instant.now());
        other = Thread.ofPlatform().start(() -> result.set(pipeline(TO_SHOP).process(List.of(event), memory)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !other.isAlive() || memory.locks.users(CRM_CONTACT) >= 2);
    }

    private void awaitTheOtherDirection(AtomicReference<List<FlowOutcome>> result) throws InterruptedException {
        other.join(Duration.ofSeconds(10));
        assertThat(result.get()).as("the other direction finished").isNotNull();
    }

    // ---- set-up

    private void firstSync() {
        shop.put("1", JSON.createObjectNode().put("ID", "1").put("Key", "P-1").put("Tel", "+1").put("Mail", "a@x")
                .put("Updated", "2026-01-01T00:00:00Z"));
        assertThat(toCrm("1")).singleElement().isInstanceOf(FlowOutcome.Synced.class);
        crm.get("ID-P-1").put("Modified", "2026-01-01T00:00:00Z");
        crmReads.set(0);
    }

    private List<FlowOutcome> toCrm(String id) {
        LoggedEvent event = new LoggedEvent(offsets.next(), new InboundEvent("shop", "s" + offsets.current(),
                "Person.Updated", "Person", id, "P-" + id, Instant.now(), "{}"), Instant.now());
        return pipeline(TO_CRM).process(List.of(event), memory);
    }

    private FlowPipeline pipeline(String flow) {
        var spec = new FlowLoader(new FlowCatalog(Set.of("shop", "crm"), Set.of("shop", "crm"), Set.of()))
                .load("f.yaml", flow, f -> Optional.ofNullable(MAPPINGS.get(f)));
        return new FlowPipeline(spec, Map.of(
                "shop", new ConnectorParts("shop", Optional.of(reader(shop, null)), Optional.of(writer(shop, "Key",
                        "Updated", null, null)), Map.of(), Optional::empty, "shop:"),
                "crm", new ConnectorParts("crm", Optional.of(reader(crm, crmReads)), Optional.of(writer(crm, "Key__c",
                        "Modified", beforeCrmWrite, afterCrmWrite)), Map.of())), memory, Clock.systemUTC());
    }

    private static RecordReader reader(Map<String, ObjectNode> records, AtomicInteger reads) {
        return new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                if (reads != null) {
                    reads.incrementAndGet();
                }
                synchronized (records) {
                    return Optional.ofNullable(records.get(id)).map(ObjectNode::deepCopy);
                }
            }
        };
    }

    /** Upserts by key (the shop's records are found by Key, the crm's ids are ID-&lt;key&gt;), stamping the modified time. */
    private static RecordWriter writer(Map<String, ObjectNode> records, String keyField, String modified,
                                       AtomicReference<Runnable> before, AtomicReference<Runnable> after) {
        return new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                Optional.ofNullable(before).map(b -> b.getAndSet(null)).ifPresent(Runnable::run);
                Map<String, String> ids = new HashMap<>();
                synchronized (records) {
                    group.records().forEach(r -> {
                        String id = keyField.equals("Key") ? records.values().stream()
                                .filter(x -> x.path("Key").asText().equals(r.key())).findFirst()
                                .map(x -> x.path("ID").asText()).orElse("?") : "ID-" + r.key();
                        ObjectNode rec = records.computeIfAbsent(id, k -> JSON.createObjectNode().put("ID", k));
                        rec.put(keyField, r.key());
                        rec.setAll(r.fields());
                        rec.put(modified, Instant.now().toString());
                        ids.put(r.ref(), id);
                    });
                }
                Optional.ofNullable(after).map(a -> a.getAndSet(null)).ifPresent(Runnable::run);
                return CompletableFuture.completedFuture(new WriteOutcome.Written(ids, false, "test"));
            }

            @Override
            public void flush() {
            }
        };
    }

    private static final class AtomicLongOffset {
        private final java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();

        long next() {
            return value.incrementAndGet();
        }

        long current() {
            return value.get();
        }
    }

    /** Links, baselines, conflicts, audit, flow state and the record locks in memory, for two threads. */
    private static final class Memory implements IdMap, SyncStore, FlowState, AuditTrail {
        final Map<String, String> links = new HashMap<>();
        final Map<String, Map<String, String>> baselines = new HashMap<>();
        final List<Conflict> conflicts = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<AuditEntry> audit = java.util.Collections.synchronizedList(new ArrayList<>());
        final RecordLocks locks = new RecordLocks();

        @Override
        public RecordLocks recordLocks() {
            return locks;
        }

        @Override
        public synchronized void putId(String objectType, String sourceKey, String targetId) {
            links.put(objectType + "/" + sourceKey, targetId);
        }

        @Override
        public synchronized Optional<String> targetId(String objectType, String sourceKey) {
            return Optional.ofNullable(links.get(objectType + "/" + sourceKey));
        }

        @Override
        public Optional<String> sourceKey(String objectType, String targetId) {
            return Optional.empty();
        }

        @Override
        public synchronized long countIds(String objectType) {
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
            synchronized (audit) {
                return audit.stream().filter(a -> a.eventOffset() == eventOffset).toList();
            }
        }

        @Override
        public synchronized Map<String, String> baseline(String system, String entity, String recordId) {
            return Map.copyOf(baselines.getOrDefault(system + "/" + entity + "/" + recordId, Map.of()));
        }

        @Override
        public synchronized void saveBaseline(String system, String entity, String recordId, Map<String, String> h,
                                              Instant at) {
            baselines.computeIfAbsent(system + "/" + entity + "/" + recordId, k -> new HashMap<>()).putAll(h);
        }

        @Override
        public synchronized Optional<Conflict> openConflict(String pairKey) {
            return conflicts.stream().filter(c -> c.open() && c.pairKey().equals(pairKey)).findFirst();
        }

        @Override
        public synchronized Conflict openConflict(Conflict c) {
            Conflict stored = new Conflict(conflicts.size() + 1, c.flowId(), Conflict.OPEN, c.source(), c.target(),
                    c.sourceValue(), c.targetValue(), c.sourceModified(), c.targetModified(), c.policy(), c.reason(),
                    c.eventOffset(), c.openedAt(), c.updatedAt(), "", "", null);
            conflicts.add(stored);
            return stored;
        }

        @Override
        public synchronized Optional<Conflict> conflict(long id) {
            return conflicts.stream().filter(c -> c.id() == id).findFirst();
        }

        @Override
        public synchronized List<Conflict> conflicts(String state, String flowId, int limit) {
            return List.copyOf(conflicts);
        }

        @Override
        public boolean resolveConflict(long id, String resolution, String by, Instant at) {
            return false;
        }

        @Override
        public synchronized long countOpenConflicts() {
            return conflicts.size();
        }
    }
}
