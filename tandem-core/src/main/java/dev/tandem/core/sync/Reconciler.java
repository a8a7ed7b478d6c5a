package dev.tandem.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.echo.FieldValues;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.flow.model.MasterDefinition;
import dev.tandem.core.spi.SyncStore;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The field-level master-data policy of a two-way flow, applied by its {@code to} step before the write (issue 10).
 * Per field of the write plan it tells three things apart, against the baseline (the value each side held when the
 * two were last in sync, kept per record and field in the {@link SyncStore}):
 * <ul>
 *   <li>the source did not change the field → not written (a delta write: a rep's change in the target survives a
 *       profile update that did not touch that field; and Tandem's own write coming back from the source changes
 *       nothing, so it is dropped as an echo without a call to the target);</li>
 *   <li>only the source changed it → written;</li>
 *   <li>a field another system masters alone ({@code <other>-only}) and the source changed → not written, said on
 *       the timeline (the way back of a one-master field);</li>
 *   <li>both changed it to different values → a conflict, settled by the field's policy: {@code <system>-wins} or
 *       {@code <system>-only},
 *       {@code newest-wins} (each side's modified time; closer than the window → review) or {@code manual} (review).
 *       A field under review is written to neither side until a person resolves it.</li>
 * </ul>
 * The target's current values are read only when needed (a changed field whose policy is not the source's, on a record
 * synced before), with one read per entity for the whole batch. The baselines are shared by both directions: the
 * way back reads this flow's target as its source and compares against the same rows, so a value that came across
 * in one direction is not mistaken for a change in the other.
 *
 * <p>The source side of each field is named in the flow file (which source field a target field is mapped from), as
 * in Celigo's or MuleSoft's two-way sync templates; fields of the plan not named there are written when their mapped
 * value differs from what Tandem last wrote (the source wins, no conflict check).
 */
public final class Reconciler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sourceSystem;
    private final String targetSystem;
    /**
     * The member of an event's payload that makes it a repair (issue 11 item 5, {@code tandem reconcile --repair}):
     * per target entity, the fields found drifted, which are written with the source's value even though their
     * baselines say they are in sync (the target was changed behind the sync's back, e.g. by hand or by another
     * integration, and no change event told Tandem). A field with an open conflict stays under review.
     */
    public static final String REPAIR = "tandemRepair";
    /** How a decision's detail says that a linked target record was found deleted. */
    public static final String DELETED_IN_TARGET = "(deleted there since the last sync)";
    private final MasterDefinition definition;
    private final Policy flowDefault;
    private final Duration window;
    private final RecordReader targetReader;
    private final SyncStore store;
    private final Function<String, String> linkType;
    private final Function<String, String> sourceLinkType;
    private final RecordReader sourceReader;

    /**
     * @param linkType       the id map's object type of a target entity (the {@code to} step links under it)
     * @param sourceLinkType the same for the source system's entities: the way back writes to them, and finds them
     *                       by the key this flow links to their id
     */
    public Reconciler(String sourceSystem, String targetSystem, MasterDefinition definition, RecordReader targetReader,
                      SyncStore store, Function<String, String> linkType, Function<String, String> sourceLinkType) {
        this(sourceSystem, targetSystem, definition, targetReader, store, linkType, sourceLinkType, null);
    }

    /**
     * @param sourceReader the source system's reader, or null: a source record the other direction wrote after this
     *                     batch fetched it is re-read under the lock ({@link RecordLocks}); without a reader such a
     *                     record's changed fields wait for its next event
     */
    public Reconciler(String sourceSystem, String targetSystem, MasterDefinition definition, RecordReader targetReader,
                      SyncStore store, Function<String, String> linkType, Function<String, String> sourceLinkType,
                      RecordReader sourceReader) {
        this.sourceReader = sourceReader;
        this.sourceSystem = Objects.requireNonNull(sourceSystem, "sourceSystem");
        this.targetSystem = Objects.requireNonNull(targetSystem, "targetSystem");
        this.definition = Objects.requireNonNull(definition, "definition");
        this.flowDefault = Policy.parse(definition.defaultOrNewest()).orElseThrow(() ->
                new IllegalArgumentException("unknown master policy " + definition.defaultOrNewest()));
        this.window = definition.window() == null ? Duration.ofMinutes(1)
                : dev.tandem.core.config.Durations.parse(definition.window());
        this.targetReader = Objects.requireNonNull(targetReader, "targetReader");
        this.store = Objects.requireNonNull(store, "store");
        this.linkType = Objects.requireNonNull(linkType, "linkType");
        this.sourceLinkType = Objects.requireNonNull(sourceLinkType, "sourceLinkType");
    }

    /**
     * What the policy made of one exchange's plan.
     *
     * @param plan      what to write, or null when nothing is left to write
     * @param detail    every field's decision in words, for the record timeline
     * @param conflicts how many fields went to review
     * @param pending   the baselines to store once the write succeeded (at once when nothing is written)
     * @param asOf      when the values were read: a baseline stored later by the other direction from newer reads
     *                  is not overwritten by this one's
     */
    public record Decision(WriteGroup plan, String detail, int conflicts, Pending pending, Instant asOf) {

        public boolean nothingToWrite() {
            return plan == null;
        }
    }

    /** Baselines waiting for the write: target fields by plan ref (the id may only be known after the write). */
    public static final class Pending {
        private final Map<String, TargetRecord> targets = new LinkedHashMap<>();
        private final List<SourceRecord> sources = new ArrayList<>();
        private final Map<String, SourceRef> created = new LinkedHashMap<>();

        /** The plan's records created by this write (no target record was linked), with their source record, by ref. */
        public Map<String, SourceRef> created() {
            return created;
        }

        /** A source record: its entity, the id field its writer writes it by, and its id. */
        public record SourceRef(String entity, String idField, String id) {
        }

        record TargetRecord(String entity, String knownId, Map<String, Object> values) {
        }

        record SourceRecord(String system, String entity, String id, Map<String, String> hashes) {
        }
    }

    /**
     * Takes the locks of every record the batch's plans touch on either side (each source record, each linked target
     * record), shared with the other direction and the review queue: hold them from {@link #prepare} until every
     * decision is committed, then close. Waits while another batch holds one of them.
     *
     * @throws IllegalStateException when a record stays locked longer than {@link RecordLocks}' wait
     */
    public RecordLocks.Held lock(List<Exchange> batch, StepContext ctx) {
        Set<String> addresses = new java.util.TreeSet<>();
        for (Exchange x : batch) {
            if (x.plan().isEmpty()) {
                continue;
            }
            for (RecordWrite r : x.plan().orElseThrow().records()) {
                MasterDefinition.ObjectPolicy op = definition.objects().get(r.entity());
                if (op == null) {
                    continue;
                }
                String targetId = targetId(r, ctx);
                if (targetId != null && !targetId.isEmpty()) {
                    addresses.add(RecordLocks.address(targetSystem, r.entity(), targetId));
                }
                String sourceId = text(counterpart(x.body(), op.source()).path(op.source().id()));
                if (!sourceId.isEmpty()) {
                    addresses.add(RecordLocks.address(sourceSystem, op.source().entity(), sourceId));
                }
            }
        }
        return store.recordLocks().lock(addresses, ctx.startedNanos());
    }

    /** Applies the policy to every exchange of the batch that has a plan; decisions by index. */
    public Map<Integer, Decision> prepare(List<Exchange> batch, StepContext ctx) {
        return prepare(batch, ctx, null);
    }

    /**
     * Applies the policy to every exchange of the batch that has a plan, under the batch's locks ({@link #lock});
     * decisions by index. A source record that another holder wrote after this batch began is re-read first: a field
     * whose fetched value is no longer the record's is not this event's to sync (the newer value comes with its own
     * event), so a copy read before the other direction's write is never taken for a new change.
     */
    public Map<Integer, Decision> prepare(List<Exchange> batch, StepContext ctx, RecordLocks.Held held) {
        Instant now = ctx.clock().instant();
        Map<String, Map<String, ObjectNode>> fresh = rereadSources(batch, held);
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Exchange x = batch.get(i);
            if (x.plan().isPresent()) {
                works.add(firstPass(i, x, ctx, fresh));
            }
        }
        Map<String, Map<String, ObjectNode>> current = readTargets(works);
        Map<Integer, Decision> decisions = new LinkedHashMap<>();
        for (Work w : works) {
            Decision d = decide(w, current, ctx, now);
            decisions.put(w.index, d);
            if (held != null && d.plan() != null) {
                // The other direction's copy of what this batch writes is stale once it is written: stamped on release.
                for (RecordWork rw : w.records) {
                    if (rw.targetId != null && d.plan().record(rw.r.ref()).isPresent()) {
                        held.changed(RecordLocks.address(targetSystem, rw.r.entity(), rw.targetId));
                    }
                }
            }
        }
        return decisions;
    }

    /** The source records of the batch that another holder changed since the batch began, read again, by entity. */
    private Map<String, Map<String, ObjectNode>> rereadSources(List<Exchange> batch, RecordLocks.Held held) {
        if (held == null) {
            return Map.of();
        }
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        for (Exchange x : batch) {
            if (x.plan().isEmpty()) {
                continue;
            }
            for (RecordWrite r : x.plan().orElseThrow().records()) {
                MasterDefinition.ObjectPolicy op = definition.objects().get(r.entity());
                if (op == null) {
                    continue;
                }
                String sourceId = text(counterpart(x.body(), op.source()).path(op.source().id()));
                if (!sourceId.isEmpty()
                        && held.changedSince(RecordLocks.address(sourceSystem, op.source().entity(), sourceId))) {
                    ids.computeIfAbsent(op.source().entity(), e -> new LinkedHashSet<>()).add(sourceId);
                }
            }
        }
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<String, ObjectNode>> out = new HashMap<>();
        if (sourceReader == null) {
            // Nothing to compare with: every field of such a record waits for the record's next event.
            ids.forEach((entity, set) -> {
                Map<String, ObjectNode> none = new HashMap<>();
                set.forEach(id -> none.put(id, null));
                out.put(entity, none);
            });
            return out;
        }
        ids.forEach((entity, set) -> {
            Map<String, ObjectNode> read = new HashMap<>(sourceReader.fetchAll(entity, List.copyOf(set)));
            set.forEach(id -> read.putIfAbsent(id, null));
            out.put(entity, read);
        });
        return out;
    }

    private String targetId(RecordWrite r, StepContext ctx) {
        return ctx.links().targetId(linkType.apply(r.entity()), r.key())
                .orElse(r.keyField().equalsIgnoreCase("id") ? r.key() : null);
    }

    /**
     * Stores the baselines of a written (or not written) decision; {@code idsByRef} are the write's ids. They are
     * stamped with the time the decision read its values, and never replace a baseline of a later read (the other
     * direction may have synced the same record meanwhile, while this write was in flight).
     */
    public void commit(Decision d, Map<String, String> idsByRef, Instant ignored) {
        Instant now = d.asOf();
        Map<String, String> ids = new HashMap<>();
        d.pending().targets.forEach((ref, t) -> ids.put(ref, t.knownId() != null ? t.knownId() : idsByRef.get(ref)));
        d.pending().targets.forEach((ref, t) -> {
            String id = ids.get(ref);
            if (id == null || id.isEmpty() || t.values().isEmpty()) {
                return;
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            t.values().forEach((field, value) -> {
                Object v = value;
                if (value instanceof String s && s.startsWith("@{") && s.endsWith(".id}")) {
                    v = ids.getOrDefault(s.substring(2, s.length() - 4), idsByRef.get(s.substring(2, s.length() - 4)));
                }
                hashes.put(field, FieldValues.hash(v));
            });
            store.saveBaseline(targetSystem, t.entity(), id, hashes, now);
        });
        for (Pending.SourceRecord s : d.pending().sources) {
            if (!s.hashes().isEmpty()) {
                store.saveBaseline(s.system(), s.entity(), s.id(), s.hashes(), now);
            }
        }
    }

    // ---- the passes

    private static final class Work {
        final int index;
        final Exchange x;
        final List<RecordWork> records = new ArrayList<>();

        Work(int index, Exchange x) {
            this.index = index;
            this.x = x;
        }
    }

    private static final class RecordWork {
        final RecordWrite r;
        final MasterDefinition.ObjectPolicy op;
        final String targetId;
        final Map<String, String> targetBase;
        final JsonNode source;
        final String sourceId;
        final Map<String, String> sourceBase;
        /** Declared fields the source changed since the last sync. */
        final Set<String> changed = new LinkedHashSet<>();
        /** Declared fields whose fetched value the source no longer holds (the other direction wrote it since). */
        final Set<String> stale = new LinkedHashSet<>();
        /** Fields a repair event names ({@link #REPAIR}): written whatever the baselines say. */
        final Set<String> forced = new LinkedHashSet<>();
        boolean needsRead;

        RecordWork(RecordWrite r, MasterDefinition.ObjectPolicy op, String targetId, Map<String, String> targetBase,
                   JsonNode source, String sourceId, Map<String, String> sourceBase) {
            this.r = r;
            this.op = op;
            this.targetId = targetId;
            this.targetBase = targetBase;
            this.source = source;
            this.sourceId = sourceId;
            this.sourceBase = sourceBase;
        }
    }

    private Work firstPass(int index, Exchange x, StepContext ctx, Map<String, Map<String, ObjectNode>> fresh) {
        Work w = new Work(index, x);
        JsonNode repair = repairOf(x);
        for (RecordWrite r : x.plan().orElseThrow().records()) {
            MasterDefinition.ObjectPolicy op = definition.objects().get(r.entity());
            if (op == null) {
                w.records.add(new RecordWork(r, null, null, Map.of(), null, null, Map.of()));
                continue;
            }
            String targetId = targetId(r, ctx);
            Map<String, String> targetBase = targetId == null ? Map.of()
                    : store.baseline(targetSystem, r.entity(), targetId);
            JsonNode source = counterpart(x.body(), op.source());
            String sourceId = text(source.path(op.source().id()));
            Map<String, String> sourceBase = sourceId.isEmpty() ? Map.of()
                    : store.baseline(sourceSystem, op.source().entity(), sourceId);
            RecordWork rw = new RecordWork(r, op, targetId, targetBase, source, sourceId, sourceBase);
            rw.forced.addAll(forcedFields(repair, r));
            Map<String, ObjectNode> reread = fresh.get(op.source().entity());
            boolean reRead = reread != null && reread.containsKey(sourceId);
            ObjectNode now = reRead ? reread.get(sourceId) : null;
            op.fields().forEach((field, fp) -> {
                JsonNode mapped = r.fields().get(field);
                if (mapped == null || reference(mapped)) {
                    return;
                }
                if (reRead && (now == null || !FieldValues.hash(value(at(now, fp.source())))
                        .equals(FieldValues.hash(value(at(source, fp.source())))))) {
                    rw.stale.add(field);
                    return;
                }
                if (rw.forced.contains(field)) {
                    // A repair: the target drifted from a value the baselines call synced; the source's is written.
                    rw.changed.add(field);
                    return;
                }
                String srcHash = FieldValues.hash(value(at(source, fp.source())));
                boolean changed = sourceBase.containsKey(fp.source()) ? !srcHash.equals(sourceBase.get(fp.source()))
                        : !targetBase.containsKey(field) || !FieldValues.hash(value(mapped)).equals(targetBase.get(field));
                if (changed) {
                    rw.changed.add(field);
                    Policy p = policy(op, field);
                    boolean sourceWins = p.wonBy(sourceSystem);
                    if (targetId != null && targetBase.containsKey(field) && !sourceWins
                            && !p.mastersAloneOtherThan(sourceSystem)) {
                        rw.needsRead = true;
                    }
                }
            });
            w.records.add(rw);
        }
        return w;
    }

    private Map<String, Map<String, ObjectNode>> readTargets(List<Work> works) {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        for (Work w : works) {
            for (RecordWork rw : w.records) {
                if (rw.needsRead) {
                    ids.computeIfAbsent(rw.r.entity(), e -> new LinkedHashSet<>()).add(rw.targetId);
                }
            }
        }
        Map<String, Map<String, ObjectNode>> out = new HashMap<>();
        ids.forEach((entity, set) -> out.put(entity, targetReader.fetchAll(entity, List.copyOf(set))));
        return out;
    }

    private Decision decide(Work w, Map<String, Map<String, ObjectNode>> current, StepContext ctx, Instant now) {
        WriteGroup plan = w.x.plan().orElseThrow();
        Pending pending = new Pending();
        List<RecordWrite> kept = new ArrayList<>();
        Map<String, String> droppedIds = new HashMap<>();
        Set<String> keptNew = new java.util.HashSet<>();
        List<String> words = new ArrayList<>();
        int conflicts = 0;
        for (RecordWork rw : w.records) {
            RecordWrite r = rw.r;
            if (rw.op == null) {
                kept.add(r);
                continue;
            }
            String name = r.entity() + " " + (rw.targetId == null ? r.key() : rw.targetId);
            ObjectNode target = rw.targetId == null ? null
                    : current.getOrDefault(r.entity(), Map.of()).get(rw.targetId);
            if (rw.needsRead && target == null) {
                // Linked, read, and gone: deleted in the target since the last sync. A delta write would upsert a
                // record of the changed fields alone (refused for its missing required fields, or a stub); the way
                // back decides what a deletion means (its `deletes` option), so nothing is written here.
                droppedIds.put(r.ref(), rw.targetId);
                words.add(name + ": no longer in " + targetSystem + " " + DELETED_IN_TARGET + " → not written,"
                        + " not re-created");
                continue;
            }
            ObjectNode fields = JSON.createObjectNode();
            Map<String, Object> targetValues = new LinkedHashMap<>();
            Map<String, String> sourceHashes = new LinkedHashMap<>();
            List<String> said = new ArrayList<>();
            Set<String> ownId = new java.util.HashSet<>();
            boolean movesToNew = false;
            for (Map.Entry<String, JsonNode> f : r.fields().properties()) {
                String field = f.getKey();
                JsonNode mapped = f.getValue();
                if (reference(mapped)) {
                    String ref = mapped.textValue().substring(2, mapped.textValue().length() - 4);
                    if (droppedIds.containsKey(ref)) {
                        mapped = JSON.getNodeFactory().textNode(droppedIds.get(ref));
                    } else {
                        fields.set(field, mapped);
                        targetValues.put(field, mapped.textValue());
                        movesToNew |= keptNew.contains(ref);
                        continue;
                    }
                }
                MasterDefinition.FieldPolicy fp = rw.op.fields().get(field);
                Object m = value(mapped);
                if (fp != null && rw.stale.contains(field)) {
                    // Read before the other direction wrote this record: what this event saw is gone. The record's
                    // newer value comes with its own event (or is Tandem's own write, already in the baselines).
                    said.add(field + ": " + sourceSystem + " changed it after this event's read (another sync wrote the"
                            + " record meanwhile) → left to that change's event, not written");
                    continue;
                }
                if (fp == null) {
                    if (rw.targetId == null || rw.forced.contains(field)
                            || !FieldValues.hash(m).equals(rw.targetBase.get(field))) {
                        fields.set(field, mapped);
                        targetValues.put(field, m);
                        if (rw.targetId != null && mapped.isTextual() && rw.targetId.equals(mapped.textValue())) {
                            // The record's own id (e.g. an enricher naming the record the write updates): sent with
                            // the record's other changes, but no change of its own.
                            ownId.add(field);
                        }
                    }
                    continue;
                }
                Object src = value(at(rw.source, fp.source()));
                if (rw.targetId == null) {
                    // Not linked (yet): a create, unless the source record was synced before and the link is not
                    // visible yet (the way back, or another event of the same person, in flight). A field the
                    // source did not change since is then left alone rather than written blind. A field another
                    // system masters alone is not this side's to write, linked or not.
                    Policy alone = policy(rw.op, field);
                    if (alone.mastersAloneOtherThan(sourceSystem)) {
                        said.add(field + ": " + alone.system() + " masters it (" + alone + ") → not written");
                        continue;
                    }
                    sourceHashes.put(fp.source(), FieldValues.hash(src));
                    if (rw.sourceBase.containsKey(fp.source()) && !rw.changed.contains(field)) {
                        continue;
                    }
                    fields.set(field, mapped);
                    targetValues.put(field, m);
                    continue;
                }
                if (!rw.changed.contains(field)) {
                    sourceHashes.put(fp.source(), FieldValues.hash(src));
                    continue;
                }
                Policy p = policy(rw.op, field);
                if (p.mastersAloneOtherThan(sourceSystem)) {
                    // The other side masters the field alone: this side's change is not synced. Its baseline stays,
                    // so the change is named again while the two differ, and the master's next change overwrites it.
                    said.add(field + ": changed in " + sourceSystem + ", but " + p.system() + " masters it (" + p
                            + ") → not written");
                    continue;
                }
                String sourceKey = text(rw.source.path(rw.op.source().keyFieldOrId()));
                Conflict.Side sourceSide = sourceKey.isEmpty()
                        ? new Conflict.Side(sourceSystem, rw.op.source().entity(), rw.sourceId, rw.op.source().id(),
                        rw.sourceId, fp.source())
                        : new Conflict.Side(sourceSystem, rw.op.source().entity(), rw.sourceId,
                        rw.op.source().keyFieldOrId(), sourceKey, fp.source());
                Conflict.Side targetSide = new Conflict.Side(targetSystem, r.entity(), rw.targetId, r.keyField(),
                        r.key(), field);
                var open = store.openConflict(Conflict.pairKey(sourceSide, targetSide));
                boolean sourceWins = p.wonBy(sourceSystem);
                if (open.isEmpty() && rw.forced.contains(field)) {
                    fields.set(field, mapped);
                    targetValues.put(field, m);
                    sourceHashes.put(fp.source(), FieldValues.hash(src));
                    said.add(field + ": repair (drift found by reconciliation) → " + sourceSystem + "'s value written");
                    continue;
                }
                if (open.isEmpty() && (sourceWins || !rw.targetBase.containsKey(field) || target == null)) {
                    fields.set(field, mapped);
                    targetValues.put(field, m);
                    sourceHashes.put(fp.source(), FieldValues.hash(src));
                    said.add(field + ": changed in " + sourceSystem + (sourceWins && rw.targetBase.containsKey(field)
                            ? ", " + p + " → written" : " → written"));
                    continue;
                }
                Object dst = target == null ? null : value(target.path(field));
                boolean targetChanged = !FieldValues.hash(dst).equals(rw.targetBase.get(field));
                if (open.isEmpty() && !targetChanged) {
                    fields.set(field, mapped);
                    targetValues.put(field, m);
                    sourceHashes.put(fp.source(), FieldValues.hash(src));
                    said.add(field + ": changed in " + sourceSystem + " → written");
                    continue;
                }
                if (open.isEmpty() && (FieldValues.hash(dst).equals(FieldValues.hash(m))
                        || FieldValues.hash(dst).equals(FieldValues.hash(src)))) {
                    targetValues.put(field, dst);
                    sourceHashes.put(fp.source(), FieldValues.hash(src));
                    said.add(field + ": changed on both sides to the same value → not written");
                    continue;
                }
                Instant srcAt = rw.op.modified() == null ? null : instant(rw.source.path(rw.op.modified().source()));
                Instant dstAt = rw.op.modified() == null || target == null ? null
                        : instant(target.path(rw.op.modified().target()));
                String verdict = open.isPresent() ? "review" : verdict(p, srcAt, dstAt);
                switch (verdict) {
                    case "source" -> {
                        fields.set(field, mapped);
                        targetValues.put(field, m);
                        sourceHashes.put(fp.source(), FieldValues.hash(src));
                        said.add(field + ": changed on both sides, " + p + because(p, srcAt, dstAt) + " → "
                                + sourceSystem + "'s value written");
                    }
                    case "target" -> said.add(field + ": changed on both sides, " + p + because(p, srcAt, dstAt)
                            + " → " + targetSystem + "'s value kept, not written");
                    default -> {
                        String reason = open.isPresent() ? "changed again while under review"
                                : p.kind() == Policy.Kind.MANUAL ? "policy manual: a person decides"
                                : srcAt == null || dstAt == null ? "newest-wins without both modified times"
                                : "newest-wins, but the two changes are " + Duration.between(srcAt, dstAt).abs().toSeconds()
                                + " s apart (window " + window.toSeconds() + " s): too close to call";
                        Conflict c = store.openConflict(new Conflict(0, ctx.flowId(), Conflict.OPEN, sourceSide,
                                targetSide, masked(ctx, field, src), masked(ctx, field, dst), srcAt, dstAt, p.toString(),
                                reason, w.x.first().offset(), now, now, "", "", null));
                        conflicts++;
                        said.add(field + ": changed on both sides (" + reason + ") → conflict #" + c.id()
                                + " for review, written to neither side");
                    }
                }
            }
            linkSource(rw, ctx);
            boolean linked = rw.targetId != null;
            boolean declaredWritten = rw.op.fields().keySet().stream().anyMatch(fields::has);
            boolean syncedBefore = !rw.sourceBase.isEmpty();
            boolean referenced = plan.records().stream().anyMatch(o -> o.fields().properties().stream()
                    .anyMatch(e -> e.getValue().isTextual() && e.getValue().textValue().equals("@{" + r.ref() + ".id}")));
            boolean anything = (!linked && (!syncedBefore || declaredWritten || referenced)) || movesToNew
                    || (linked && fields.properties().stream().anyMatch(e -> !reference(e.getValue())
                    && !ownId.contains(e.getKey())));
            if (!rw.sourceId.isEmpty()) {
                pending.sources.add(new Pending.SourceRecord(sourceSystem, rw.op.source().entity(), rw.sourceId,
                        sourceHashes));
                if (!linked) {
                    pending.created.put(r.ref(), new Pending.SourceRef(rw.op.source().entity(), rw.op.source().id(),
                            rw.sourceId));
                }
            }
            if (anything) {
                kept.add(r.withFields(fields));
                if (!linked) {
                    keptNew.add(r.ref());
                }
                pending.targets.put(r.ref(), new Pending.TargetRecord(r.entity(), rw.targetId, targetValues));
                words.add(name + (said.isEmpty() ? linked ? ": " + String.join(", ", fieldNames(fields)) + " written"
                        : ": new, written" : ": " + String.join("; ", said)));
            } else {
                droppedIds.put(r.ref(), rw.targetId);
                pending.targets.put(r.ref(), new Pending.TargetRecord(r.entity(), rw.targetId, targetValues));
                words.add(name + (said.isEmpty() ? ": nothing synced changed" : ": " + String.join("; ", said)));
            }
        }
        if (kept.isEmpty()) {
            return new Decision(null, String.join(" | ", words), conflicts, pending, now);
        }
        String root = kept.stream().anyMatch(k -> k.ref().equals(plan.root())) ? plan.root() : kept.getLast().ref();
        return new Decision(new WriteGroup(plan.id(), kept, root), String.join(" | ", words), conflicts, pending, now);
    }

    /**
     * Links the source record's key to its id in the source system's namespace, for the way back: its plan names the
     * record by that key (e.g. a Clarity contact's CustomKey), and finds the id, and so the baseline, through the link.
     */
    private void linkSource(RecordWork rw, StepContext ctx) {
        String key = text(rw.source.path(rw.op.source().keyFieldOrId()));
        if (rw.sourceId.isEmpty() || key.isEmpty() || key.equals(rw.sourceId)) {
            return;
        }
        String type = sourceLinkType.apply(rw.op.source().entity());
        if (!ctx.links().targetId(type, key).map(rw.sourceId::equals).orElse(false)) {
            // At once, not with the batch: the way back may process this record's next change before the batch
            // settles (an idempotent link of the record to itself; nothing to undo if the batch is replayed).
            ctx.links().putId(type, key, rw.sourceId);
        }
    }

    private String verdict(Policy p, Instant srcAt, Instant dstAt) {
        return switch (p.kind()) {
            case WINS, ONLY -> p.system().equals(sourceSystem) ? "source" : p.system().equals(targetSystem) ? "target"
                    : "review";
            case MANUAL -> "review";
            case NEWEST -> {
                if (srcAt == null || dstAt == null || Duration.between(srcAt, dstAt).abs().compareTo(window) <= 0) {
                    yield "review";
                }
                yield srcAt.isAfter(dstAt) ? "source" : "target";
            }
        };
    }

    private String because(Policy p, Instant srcAt, Instant dstAt) {
        return p.kind() == Policy.Kind.NEWEST
                ? " (" + sourceSystem + " " + srcAt + ", " + targetSystem + " " + dstAt + ")" : "";
    }

    private Policy policy(MasterDefinition.ObjectPolicy op, String field) {
        MasterDefinition.FieldPolicy fp = op.fields().get(field);
        if (fp != null && fp.master() != null) {
            return Policy.parse(fp.master()).orElse(flowDefault);
        }
        if (op.defaultPolicy() != null) {
            return Policy.parse(op.defaultPolicy()).orElse(flowDefault);
        }
        return flowDefault;
    }

    private static String masked(StepContext ctx, String field, Object value) {
        ObjectNode n = JSON.createObjectNode();
        n.set(field, JSON.valueToTree(value));
        return ctx.redactor().redact(n).path(field).toString();
    }

    private static List<String> fieldNames(ObjectNode fields) {
        List<String> names = new ArrayList<>();
        fields.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * The repair an event asks for: its payload's {@value #REPAIR} member, {@code {"<entity>": ["<field>", …]}}
     * ({@code "*"} for every field of the entity's records), written by {@code tandem reconcile --repair}; missing
     * for every other event.
     */
    private static JsonNode repairOf(Exchange x) {
        String payload = x.first().event().payload();
        if (payload == null || !payload.contains(REPAIR)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return JSON.readTree(payload).path(REPAIR);
        } catch (java.io.IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static Set<String> forcedFields(JsonNode repair, RecordWrite r) {
        JsonNode named = repair.path(r.entity());
        if (!named.isArray()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode f : named) {
            if ("*".equals(f.asText())) {
                r.fields().fieldNames().forEachRemaining(out::add);
            } else {
                out.add(f.asText());
            }
        }
        return out;
    }

    static boolean reference(JsonNode v) {
        return v.isTextual() && v.textValue().startsWith("@{") && v.textValue().endsWith(".id}");
    }

    /** The first of the source record's candidate paths that holds its id field (else the last candidate). */
    static JsonNode counterpart(JsonNode body, MasterDefinition.SourceRecord source) {
        JsonNode found = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        for (String path : source.at()) {
            found = at(body, path);
            if (found.hasNonNull(source.id())) {
                return found;
            }
        }
        return found;
    }

    /**
     * The value at a dotted path ({@code Address.City}): a master block's {@code source} may name a nested field of
     * the source record; a missing member is a missing node.
     */
    public static JsonNode at(JsonNode body, String path) {
        JsonNode n = body;
        if (path != null && !path.isBlank()) {
            for (String part : path.split("\\.")) {
                n = n.path(part);
            }
        }
        return n;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    /** A JSON value in the form {@link FieldValues#hash} compares: text, number, boolean, null. */
    static Object value(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isTextual() ? n.textValue() : n.toString();
    }

    /** A modified time: ISO with or without offset (no offset = UTC, as CEF writes it), or epoch milliseconds. */
    static Instant instant(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return Instant.ofEpochMilli(n.longValue());
        }
        String t = n.asText().trim();
        try {
            return OffsetDateTime.parse(t.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                return null;
            }
        }
    }
}
