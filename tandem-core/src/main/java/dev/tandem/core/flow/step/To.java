package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import dev.tandem.core.echo.EchoPolicy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The target's idempotent writer: every plan of the batch is queued, then flushed together, so the target packs
 * them into as few requests as its limits allow. On success every record is linked (the root last: its link is
 * what marks the record as synced for the idempotent consumer).
 */
public final class To implements Step {

    private final String system;
    private final RecordWriter writer;
    private final Supplier<Optional<EchoPolicy>> echo;
    private final String linkPrefix;
    private final dev.tandem.core.sync.Reconciler master;
    private final dev.tandem.core.flow.model.ToStep.WriteBack writeBack;
    private final RecordWriter sourceWriter;

    public To(String system, RecordWriter writer) {
        this(system, writer, Optional::empty);
    }

    /** @param echo the target's echo policy, when its change feed runs: what is written is fingerprinted */
    public To(String system, RecordWriter writer, Supplier<Optional<EchoPolicy>> echo) {
        this(system, writer, echo, "", null);
    }

    /**
     * @param linkPrefix the id map's namespace of this target's links (its object types are {@code prefix + entity}),
     *                   so a Clarity contact's id never replaces the Salesforce id linked to the same key
     * @param master     the flow's master-data policy, or null: every planned field is written
     */
    public To(String system, RecordWriter writer, Supplier<Optional<EchoPolicy>> echo, String linkPrefix,
              dev.tandem.core.sync.Reconciler master) {
        this(system, writer, echo, linkPrefix, master, null, null);
    }

    /**
     * @param writeBack    what a creation writes back to its source record (with {@code master}), or null
     * @param sourceWriter the source system's writer, for {@code writeBack}
     */
    public To(String system, RecordWriter writer, Supplier<Optional<EchoPolicy>> echo, String linkPrefix,
              dev.tandem.core.sync.Reconciler master, dev.tandem.core.flow.model.ToStep.WriteBack writeBack,
              RecordWriter sourceWriter) {
        this.system = system;
        this.writer = writer;
        this.echo = echo;
        this.linkPrefix = linkPrefix == null ? "" : linkPrefix;
        this.master = master;
        this.writeBack = master == null ? null : writeBack;
        this.sourceWriter = sourceWriter;
    }

    /** The id map's object type of a target entity. */
    public String linkType(String entity) {
        return linkPrefix + entity;
    }

    @Override
    public String kind() {
        return "to";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        if (master == null) {
            return apply(batch, ctx, null);
        }
        // A two-way flow holds its records' locks, shared with the other direction, from reading the baselines to
        // storing them after the write (ADR 0018): the other direction then never decides on baselines this batch
        // is about to replace.
        dev.tandem.core.sync.RecordLocks.Held held;
        try {
            held = master.lock(batch, ctx);
        } catch (RuntimeException e) {
            List<Exchange> out = new ArrayList<>(batch);
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                all.add(i);
            }
            ctx.failAll(out, all, kind(), "lock the records of the two-way sync", e, ctx.clock().instant());
            return out;
        }
        try (held) {
            return apply(batch, ctx, held);
        }
    }

    private List<Exchange> apply(List<Exchange> batch, StepContext ctx, dev.tandem.core.sync.RecordLocks.Held held) {
        List<Exchange> out = new ArrayList<>(batch);
        Map<Integer, CompletableFuture<WriteOutcome>> pending = new LinkedHashMap<>();
        Instant started = ctx.clock().instant();
        Map<Integer, dev.tandem.core.sync.Reconciler.Decision> decisions = Map.of();
        if (master != null) {
            try {
                decisions = master.prepare(batch, ctx, held);
            } catch (RuntimeException e) {
                // The target could not be read for the policy (an outage, refused credentials): the batch waits.
                List<Integer> all = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    all.add(i);
                }
                ctx.failAll(out, all, kind(), "read " + system + " for the master-data policy", e, started);
                return out;
            }
        }
        List<EchoPolicy.Write> beforeWrite = new ArrayList<>();
        Optional<EchoPolicy> echoPolicy = echo.get();
        for (int i = 0; i < batch.size(); i++) {
            Exchange planned = batch.get(i);
            var decision = decisions.get(i);
            if (decision != null) {
                String outcome = decision.conflicts() > 0 ? "CONFLICT" : decision.nothingToWrite() ? "SKIPPED" : "OK";
                if (decision.nothingToWrite()) {
                    String reason = decision.conflicts() > 0
                            ? "nothing written: " + decision.detail()
                            : decision.detail().contains(dev.tandem.core.sync.Reconciler.DELETED_IN_TARGET)
                            ? "not written: " + decision.detail()
                            : "echo or no synced change: every field this flow syncs holds what was last synced ("
                            + decision.detail() + ")";
                    ctx.audit(planned, kind(), "master-data policy", 0, outcome, reason, ctx.millisSince(started));
                    master.commit(decision, Map.of(), ctx.clock().instant());
                    out.set(i, planned.settle(new FlowOutcome.Skipped(0, reason)));
                    continue;
                }
                ctx.audit(planned, kind(), "master-data policy", 0, outcome, decision.detail(), ctx.millisSince(started));
                planned = planned.withPlan(decision.plan());
                out.set(i, planned);
            }
            Exchange x = planned;
            if (x.plan().isEmpty()) {
                out.set(i, x.settle(new FlowOutcome.Failed(0, "FLOW_ERROR", "the flow reached 'to' without a write plan: "
                        + "add a transform step before it", false, Duration.ZERO, x.payload())));
                continue;
            }
            String placeholder = placeholder(x.plan().get());
            if (placeholder != null) {
                out.set(i, x.settle(new FlowOutcome.Failed(0, "FLOW_ERROR", "the write plan still holds an enrich placeholder ("
                        + placeholder + "): add the enrich step that fills it before 'to'", false, Duration.ZERO, x.payload())));
                continue;
            }
            // Fingerprint before the write where the target id is known (the change event can come back before the
            // write call returns); a record created now is fingerprinted once its id is known, below.
            echoPolicy.ifPresent(policy -> beforeWrite.addAll(fingerprint(x.plan().get(), Map.of(), ctx)));
            pending.put(i, null);
        }
        // All of the batch's fingerprints in one store batch, still before the first write is handed over.
        echoPolicy.ifPresent(policy -> policy.recordWrites(beforeWrite));
        // Only then hand every group to the writer, back to back: fingerprinting reads and writes the store, and
        // with that between two writes each group's batching window could expire alone, one request per group.
        for (Map.Entry<Integer, CompletableFuture<WriteOutcome>> entry : pending.entrySet()) {
            Exchange x = out.get(entry.getKey());
            try {
                entry.setValue(writer.write(x.plan().get()));
            } catch (RuntimeException e) {
                // Refused before sending (writer closed, group over the target's limits): only this record fails.
                out.set(entry.getKey(), x.settle(StepContext.failure(e, x.payload())));
            }
        }
        pending.values().removeIf(java.util.Objects::isNull);
        writer.flush();
        List<BackWrite> backs = new ArrayList<>();
        List<EchoPolicy.Write> afterWrite = new ArrayList<>();
        for (Map.Entry<Integer, CompletableFuture<WriteOutcome>> entry : pending.entrySet()) {
            int i = entry.getKey();
            Exchange x = out.get(i);
            WriteGroup plan = x.plan().orElseThrow();
            WriteOutcome outcome;
            try {
                outcome = entry.getValue().join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                FlowOutcome.Failed f = StepContext.failure(cause, x.payload());
                ctx.audit(x, kind(), "write to " + system, 0, "FAILED", f.errorCode() + ": " + f.message(), ctx.millisSince(started));
                out.set(i, x.settle(f));
                continue;
            }
            long millis = ctx.millisSince(started);
            switch (outcome) {
                case WriteOutcome.Written w when w.replayed() -> {
                    RecordWrite root = plan.rootRecord();
                    String id = w.idsByRef().getOrDefault(root.ref(), "");
                    ctx.state().link(linkType(root.entity()), root.key(), id);
                    if (decisions.get(i) != null) {
                        master.commit(decisions.get(i), w.idsByRef(), ctx.clock().instant());
                    }
                    String reason = root.entity() + " " + root.key() + " was already in " + system + " as " + id
                            + " (a replay after an interrupted run)";
                    ctx.audit(x, kind(), w.request(), 200, "SKIPPED", reason, millis);
                    out.set(i, x.settle(new FlowOutcome.Skipped(0, reason)));
                }
                case WriteOutcome.Written w -> {
                    echoPolicy.ifPresent(policy -> afterWrite.addAll(fingerprint(plan, w.idsByRef(), ctx)));
                    RecordWrite root = plan.rootRecord();
                    for (RecordWrite r : plan.records()) {
                        if (r != root) {
                            ctx.state().link(linkType(r.entity()), r.key(), w.idsByRef().getOrDefault(r.ref(), ""));
                        }
                    }
                    ctx.state().link(linkType(root.entity()), root.key(), w.idsByRef().getOrDefault(root.ref(), ""));
                    if (decisions.get(i) != null) {
                        // A two-way flow's links are visible at once, not only when the batch settles: the way back
                        // (another lane) may process the same record's next change before then.
                        for (RecordWrite r : plan.records()) {
                            String id = w.idsByRef().getOrDefault(r.ref(), "");
                            if (!id.isEmpty()) {
                                ctx.links().putId(linkType(r.entity()), r.key(), id);
                            }
                        }
                        master.commit(decisions.get(i), w.idsByRef(), ctx.clock().instant());
                        backs.addAll(writeBacks(x, plan, decisions.get(i), w.idsByRef()));
                    }
                    String detail = summary(plan, w.idsByRef());
                    ctx.auditWrite(x, kind(), w.request(), 200, detail, millis, written(plan, w.idsByRef(), ctx));
                    out.set(i, x.settle(new FlowOutcome.Synced(0, detail)));
                }
                case WriteOutcome.Rejected r -> {
                    ApiError cause = r.error();
                    String where = plan.record(r.ref()).map(rec -> r.ref() + " (" + rec.entity() + " " + rec.key() + ")").orElse(r.ref());
                    String message = system + " rejected " + where + " of " + plan.rootRecord().entity() + " "
                            + plan.rootRecord().key() + ": " + cause.message()
                            + (cause.fields().isEmpty() ? "" : " (fields " + cause.fields() + ")");
                    ctx.audit(x, kind(), r.request(), 200, cause.retryable() ? "RETRY" : "DEAD_LETTER",
                            cause.errorCode() + ": " + message, millis);
                    out.set(i, x.settle(new FlowOutcome.Failed(0, cause.errorCode(), message, cause.retryable(),
                            Duration.ZERO, x.payload(), new FlowOutcome.FailureDetails(kind(), 200, cause.fields(),
                            null, List.of()))));
                }
            }
        }
        // Created records by the ids the write returned: their key-based fingerprints already cover the meantime.
        echoPolicy.ifPresent(policy -> policy.recordWrites(afterWrite));
        writeBack(backs, ctx);
        return out;
    }

    /**
     * Records what this group writes to each record, references resolved to ids: under the record's id when it is
     * known (the key itself for a write by the target's record id, linked before, or {@code written} after the
     * write), else under its external key (a create: its change event reports the key, and may arrive before the
     * write returns the id).
     */
    private List<EchoPolicy.Write> fingerprint(WriteGroup plan, Map<String, String> written, StepContext ctx) {
        List<EchoPolicy.Write> out = new ArrayList<>(plan.records().size());
        Map<String, String> ids = new LinkedHashMap<>(written);
        for (RecordWrite r : plan.records()) {
            ids.computeIfAbsent(r.ref(), ref -> writer.keysByRecordId(r.keyField()) ? r.key()
                    : ctx.links().targetId(linkType(r.entity()), r.key()).orElse(null));
        }
        for (RecordWrite r : plan.records()) {
            String id = ids.get(r.ref());
            if (id == null || id.isEmpty()) {
                id = EchoPolicy.keyRecordId(r.keyField(), r.key());
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put(r.keyField(), r.key());
            r.fields().properties().forEach(f -> {
                JsonNode v = f.getValue();
                if (v.isTextual() && v.textValue().startsWith("@{") && v.textValue().endsWith(".id}")) {
                    String target = ids.get(v.textValue().substring(2, v.textValue().length() - 4));
                    values.put(f.getKey(), target != null ? target : EchoPolicy.ANY_REFERENCE);
                } else if (v.isValueNode()) {
                    values.put(f.getKey(), v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue()
                            : v.isNull() ? null : v.asText());
                }
            });
            out.add(new EchoPolicy.Write(system, r.entity(), id, values));
        }
        return out;
    }

    /** A write of new target ids back to a source record: for whom, what, and where. */
    private record BackWrite(Exchange x, String entity, String id, String sourceEntity, String sourceId,
                             WriteGroup group) {
    }

    /** The write-backs a written group calls for: one per record it created whose entity the flow names. */
    private List<BackWrite> writeBacks(Exchange x, WriteGroup plan, dev.tandem.core.sync.Reconciler.Decision d,
                                       Map<String, String> ids) {
        if (writeBack == null || sourceWriter == null) {
            return List.of();
        }
        List<BackWrite> out = new ArrayList<>();
        d.pending().created().forEach((ref, source) -> {
            String entity = plan.record(ref).map(RecordWrite::entity).orElse("");
            String id = ids.get(ref);
            if (!writeBack.objects().contains(entity) || id == null || id.isEmpty()) {
                return;
            }
            com.fasterxml.jackson.databind.node.ObjectNode fields = withId(WRITTEN_JSON.valueToTree(writeBack.set()), id);
            out.add(new BackWrite(x, entity, id, source.entity(), source.id(), new WriteGroup(
                    plan.id() + "-write-back-" + ref,
                    List.of(new RecordWrite("source", source.entity(), source.idField(), source.id(), fields)),
                    "source")));
        });
        return out;
    }

    /**
     * Writes the new target ids back to the source records this batch created targets for (the flow's
     * {@code writeBack}), through the source system's writer: all of the batch's write-backs handed over at once, so
     * they run as concurrently as that writer allows, then awaited. Best effort, after the writes succeeded: a failure
     * is audited as a warning and does not undo or fail the sync. The source's change that this causes comes back to
     * the flow as an event whose synced fields are unchanged, which the master-data policy drops without a target call.
     */
    private void writeBack(List<BackWrite> backs, StepContext ctx) {
        if (backs.isEmpty()) {
            return;
        }
        Instant started = ctx.clock().instant();
        List<CompletableFuture<WriteOutcome>> sent = new ArrayList<>(backs.size());
        for (BackWrite b : backs) {
            try {
                sent.add(sourceWriter.write(b.group()));
            } catch (RuntimeException e) {
                sent.add(CompletableFuture.failedFuture(e));
            }
        }
        sourceWriter.flush();
        for (int i = 0; i < backs.size(); i++) {
            BackWrite b = backs.get(i);
            String what = "write-back of " + b.entity() + " " + b.id() + " to " + b.sourceEntity() + " " + b.sourceId();
            try {
                WriteOutcome o = sent.get(i).join();
                if (o instanceof WriteOutcome.Rejected r) {
                    ctx.audit(b.x(), kind(), r.request(), 200, "WARNING", what + " refused: " + r.error().errorCode()
                            + ": " + r.error().message(), ctx.millisSince(started));
                } else {
                    ctx.audit(b.x(), kind(), ((WriteOutcome.Written) o).request(), 200, "OK", "wrote " + b.entity()
                            + " id " + b.id() + " back to " + b.sourceEntity() + " " + b.sourceId(),
                            ctx.millisSince(started));
                }
            } catch (RuntimeException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                ctx.audit(b.x(), kind(), "write-back", 0, "WARNING", what + " failed: " + cause.getMessage(),
                        ctx.millisSince(started));
            }
        }
    }

    /** {@code template} with every text value {@code "{id}"} replaced by {@code id}. */
    private static com.fasterxml.jackson.databind.node.ObjectNode withId(
            com.fasterxml.jackson.databind.node.ObjectNode template, String id) {
        com.fasterxml.jackson.databind.node.ObjectNode out = template.deepCopy();
        java.util.ArrayDeque<com.fasterxml.jackson.databind.node.ObjectNode> todo = new java.util.ArrayDeque<>(List.of(out));
        while (!todo.isEmpty()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = todo.pop();
            for (var e : n.properties()) {
                if (e.getValue().isObject()) {
                    todo.push((com.fasterxml.jackson.databind.node.ObjectNode) e.getValue());
                } else if (e.getValue().isTextual() && e.getValue().textValue().equals("{id}")) {
                    e.setValue(n.textNode(id));
                }
            }
        }
        return out;
    }

    /** What the group wrote, per record ref: entity, key, id and the fields (sensitive ones masked), for the timeline. */
    private static String written(WriteGroup plan, Map<String, String> ids, StepContext ctx) {
        com.fasterxml.jackson.databind.node.ObjectNode out = WRITTEN_JSON.createObjectNode();
        for (RecordWrite r : plan.records()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = out.putObject(r.ref());
            n.put("entity", r.entity());
            n.put("key", r.key());
            n.put("id", ids.getOrDefault(r.ref(), ""));
            n.set("fields", ctx.redactor().redact(r.fields()));
        }
        return out.toString();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper WRITTEN_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** e.g. {@code Order 801… (3 OrderItem), Account 001…, Contact 003…}: the root first. */
    private static String summary(WriteGroup plan, Map<String, String> ids) {
        RecordWrite root = plan.rootRecord();
        Map<String, List<String>> byEntity = new LinkedHashMap<>();
        for (RecordWrite r : plan.records()) {
            if (r != root) {
                byEntity.computeIfAbsent(r.entity(), k -> new ArrayList<>()).add(ids.getOrDefault(r.ref(), ""));
            }
        }
        StringBuilder s = new StringBuilder(root.entity()).append(' ').append(ids.getOrDefault(root.ref(), ""));
        byEntity.forEach((entity, list) -> {
            s.append(", ");
            if (list.size() == 1) {
                s.append(entity).append(' ').append(list.getFirst());
            } else {
                s.append(list.size()).append(' ').append(entity);
            }
        });
        return s.toString();
    }

    private static String placeholder(WriteGroup plan) {
        for (RecordWrite r : plan.records()) {
            for (var f : r.fields().properties()) {
                JsonNode v = f.getValue();
                if (v.isObject() && v.has("enrich")) {
                    return r.ref() + "." + f.getKey() + " = " + v.path("enrich").asText();
                }
            }
        }
        return null;
    }
}
