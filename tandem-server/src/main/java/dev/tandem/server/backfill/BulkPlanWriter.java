package dev.tandem.server.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import dev.tandem.salesforce.bulk.BulkFailure;
import dev.tandem.salesforce.bulk.BulkIngestJob;
import dev.tandem.salesforce.bulk.BulkJobInfo;
import dev.tandem.salesforce.bulk.BulkJobState;
import dev.tandem.salesforce.bulk.BulkResultHandler;
import dev.tandem.salesforce.bulk.BulkSuccess;
import dev.tandem.salesforce.bulk.SalesforceBulkClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backfill's Salesforce writer: the flow's {@code to} step hands it the write groups of a chunk (the same plans
 * the live flow sends as Composite Graphs), and {@link #flush()} writes them as Bulk API 2.0 upsert jobs instead,
 * one object after the other in dependency order (Accounts before the Contacts that point at them), every record
 * upserted by its external id (salesforce-api.md §5 "Bulk API 2.0 ingest"). A reference to an earlier record of the
 * group ({@code "AccountId": "@{account.id}"}) becomes a relationship column by that record's external id
 * ({@code Account.Clarity_Account_Key__c}, the REST form of §2.4 as a CSV header), so no id is needed before the
 * parent's job has run.
 *
 * <p>Each group's future completes with the ids of its records from {@code successfulResults}, or fails with the
 * {@code sf__Error} of its first failed row; the later records of a group whose record failed are not sent. Rows
 * failing with a row lock are sent again in a new job, up to {@value #LOCK_ROUNDS} times. A failure of the job itself
 * (a call refused or unanswered, a job that ends Failed) is not the records' fault: every group of the chunk fails
 * with it and {@link #fatal()} holds it, so the backfill stops instead of dead-lettering good records.
 */
final class BulkPlanWriter implements RecordWriter {

    /** How often rows that failed with {@code UNABLE_TO_LOCK_ROW} are sent again. */
    static final int LOCK_ROUNDS = 3;
    private static final Pattern REF = Pattern.compile("@\\{([A-Za-z0-9_]+)\\.id}");

    private final SalesforceBulkClient bulk;
    private final boolean dryRun;
    private final int maxRecordsPerJob;
    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, Long> rowsByObject = new LinkedHashMap<>();
    private long created;
    private long updated;
    private long jobs;
    private long bulkNanos;
    private volatile RuntimeException fatal;
    private final java.util.concurrent.locks.Lock turn;

    private record Pending(WriteGroup group, CompletableFuture<WriteOutcome> future) {
    }

    /** One CSV row: the upsert of one record, shared by every group that plans the same record. */
    private static final class Row {
        final String key;
        final ObjectNode values = JsonNodeFactory.instance.objectNode();
        final List<Integer> groups = new ArrayList<>();

        Row(String key) {
            this.key = key;
        }
    }

    BulkPlanWriter(SalesforceBulkClient bulk, boolean dryRun, int maxRecordsPerJob) {
        this(bulk, dryRun, maxRecordsPerJob, new java.util.concurrent.locks.ReentrantLock());
    }

    /**
     * @param turn held while a chunk's jobs run; writers sharing it run their chunks' jobs one chunk after the
     *             other, so two chunks never upsert the same new record at once (two concurrent upserts of one new
     *             external id can both insert, and Salesforce refuses the second with DUPLICATE_VALUE)
     */
    BulkPlanWriter(SalesforceBulkClient bulk, boolean dryRun, int maxRecordsPerJob,
                   java.util.concurrent.locks.Lock turn) {
        this.bulk = bulk;
        this.dryRun = dryRun;
        this.maxRecordsPerJob = maxRecordsPerJob;
        this.turn = turn;
    }

    @Override
    public synchronized CompletableFuture<WriteOutcome> write(WriteGroup group) {
        CompletableFuture<WriteOutcome> future = new CompletableFuture<>();
        pending.add(new Pending(group, future));
        return future;
    }

    @Override
    public synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> chunk = List.copyOf(pending);
        pending.clear();
        turn.lock();
        try {
            write(chunk);
        } catch (RuntimeException e) {
            fatal = e;
            chunk.forEach(p -> p.future().completeExceptionally(e));
        } finally {
            turn.unlock();
        }
    }

    /** The failure of a whole job or call, when the last flush had one: the run must stop. */
    RuntimeException fatal() {
        return fatal;
    }

    /** Forgets {@link #fatal()} (a new chunk). */
    void clearFatal() {
        fatal = null;
    }

    long created() {
        return created;
    }

    long updated() {
        return updated;
    }

    long jobs() {
        return jobs;
    }

    /** Time spent in Bulk API calls: creating and uploading jobs, waiting for them, reading their results. */
    double bulkSeconds() {
        return bulkNanos / 1e9;
    }

    /** Rows sent (or, in a dry run, that would be sent) per Salesforce object. */
    Map<String, Long> rowsByObject() {
        return Map.copyOf(rowsByObject);
    }

    // ------------------------------------------------------------------------------------------ the jobs

    private void write(List<Pending> chunk) {
        Map<Integer, IntegrationException> failed = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        for (String[] object : objectOrder(chunk, failed)) {
            String entity = object[0];
            String keyField = object[1];
            Map<String, Row> rows = new LinkedHashMap<>();
            Set<String> columns = new LinkedHashSet<>();
            columns.add(keyField);
            for (int g = 0; g < chunk.size(); g++) {
                if (failed.containsKey(g)) {
                    continue;
                }
                WriteGroup group = chunk.get(g).group();
                for (RecordWrite r : group.records()) {
                    if (!r.entity().equals(entity) || !r.keyField().equals(keyField)) {
                        continue;
                    }
                    try {
                        Row row = rows.computeIfAbsent(r.key(), Row::new);
                        row.values.put(keyField, r.key());
                        row.values.setAll(csvFields(group, r));
                        row.values.fieldNames().forEachRemaining(columns::add);
                        row.groups.add(g);
                    } catch (IntegrationException e) {
                        failed.put(g, e);
                    }
                }
            }
            rows.values().removeIf(row -> row.groups.stream().allMatch(failed::containsKey));
            if (rows.isEmpty()) {
                continue;
            }
            rowsByObject.merge(entity, (long) rows.size(), Long::sum);
            if (dryRun) {
                rows.values().forEach(row -> ids.put(entity + "|" + keyField + "|" + row.key, "(dry run)"));
                continue;
            }
            long started = System.nanoTime();
            try {
                upsert(entity, keyField, List.copyOf(columns), rows, ids, failed);
            } finally {
                bulkNanos += System.nanoTime() - started;
            }
        }
        for (int g = 0; g < chunk.size(); g++) {
            Pending p = chunk.get(g);
            IntegrationException error = failed.get(g);
            if (error != null) {
                p.future().completeExceptionally(error);
                continue;
            }
            Map<String, String> byRef = new LinkedHashMap<>();
            for (RecordWrite r : p.group().records()) {
                byRef.put(r.ref(), ids.getOrDefault(r.entity() + "|" + r.keyField() + "|" + r.key(), ""));
            }
            p.future().complete(new WriteOutcome.Written(byRef, false, dryRun
                    ? "dry run: nothing sent" : "Bulk API 2.0 upsert"));
        }
    }

    /** Upserts the rows of one object, sending rows that met a row lock again; records the outcome per group. */
    private void upsert(String entity, String keyField, List<String> columns, Map<String, Row> rows,
                        Map<String, String> ids, Map<Integer, IntegrationException> failed) {
        BulkIngestJob job = BulkIngestJob.upsert(entity, keyField, columns);
        Map<String, Row> left = rows;
        for (int round = 1; !left.isEmpty(); round++) {
            Map<String, Row> locked = new LinkedHashMap<>();
            Map<String, Row> sent = left;
            boolean lastRound = round >= LOCK_ROUNDS;
            List<BulkJobInfo> done = bulk.ingestInParts(job, sent.values().stream().map(r -> r.values).iterator(),
                    maxRecordsPerJob, new BulkResultHandler() {
                        @Override
                        public void success(BulkSuccess s) {
                            String key = s.fields().getOrDefault(keyField, "");
                            ids.put(entity + "|" + keyField + "|" + key, s.id());
                            if (s.created()) {
                                created++;
                            } else {
                                updated++;
                            }
                        }

                        @Override
                        public void failure(BulkFailure f) {
                            Row row = sent.get(f.fields().getOrDefault(keyField, ""));
                            if (row == null) {
                                return;
                            }
                            if (!lastRound && ErrorClass.of(f.errorCode()) == ErrorClass.LOCK) {
                                locked.put(row.key, row);
                                return;
                            }
                            IntegrationException e = rowError(entity, row.key, f);
                            row.groups.forEach(g -> failed.putIfAbsent(g, e));
                        }

                        @Override
                        public void unprocessed(Map<String, String> row) {
                            // Only a job that ended Failed or Aborted has unprocessed rows: handled below as a whole.
                        }
                    });
            jobs += done.size();
            for (BulkJobInfo info : done) {
                if (info.state() != BulkJobState.JOB_COMPLETE) {
                    throw new IntegrationException("salesforce", "BULK_JOB_" + info.state().name(), "Bulk job "
                            + info.id() + " (upsert " + entity + " by " + keyField + ") ended " + info.state().wire()
                            + (info.errorMessage().isEmpty() ? "" : ": " + info.errorMessage()), 0, false,
                            List.of(), null, null);
                }
            }
            left = locked;
        }
    }

    private static IntegrationException rowError(String entity, String key, BulkFailure f) {
        // sf__Error is CODE:message:fields (salesforce-api.md §5 step 5).
        String text = f.error();
        String rest = text.length() > f.errorCode().length() ? text.substring(f.errorCode().length() + 1) : "";
        int colon = rest.lastIndexOf(':');
        String message = colon < 0 ? rest : rest.substring(0, colon);
        List<String> fields = colon < 0 ? List.of() : List.of(rest.substring(colon + 1).replace("--", "").trim()
                .split("\\s*,\\s*")).stream().filter(s -> !s.isBlank()).toList();
        return new IntegrationException("salesforce", f.errorCode().isEmpty() ? "BULK_ROW_FAILED" : f.errorCode(),
                entity + " " + key + ": " + (message.isBlank() ? text : message.trim()) + " (sf__Error " + text + ")",
                400, false, fields, null, null);
    }

    /**
     * A record's fields as CSV columns: values as they are, a reference to an earlier record of the group as the
     * relationship column by that record's external id, a nested {@code {"Field": value}} as {@code Rel.Field}.
     */
    private static Map<String, JsonNode> csvFields(WriteGroup group, RecordWrite r) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : r.fields().properties()) {
            String name = f.getKey();
            JsonNode value = f.getValue();
            if (name.equals(r.keyField())) {
                continue;
            }
            Matcher ref = value.isTextual() ? REF.matcher(value.asText()) : null;
            if (ref != null && ref.matches()) {
                RecordWrite parent = group.record(ref.group(1)).orElseThrow(() -> flowError(group, r,
                        "field " + name + " points at @{" + ref.group(1) + ".id}, which is no record of the group"));
                out.put(relationship(name) + "." + parent.keyField(), JsonNodeFactory.instance.textNode(parent.key()));
            } else if (value.isObject() && value.size() == 1 && value.properties().iterator().next().getValue()
                    .isValueNode()) {
                Map.Entry<String, JsonNode> only = value.properties().iterator().next();
                out.put(name + "." + only.getKey(), only.getValue());
            } else if (value.isContainerNode()) {
                throw flowError(group, r, "field " + name + " holds an object or array; a Bulk CSV cell holds one value");
            } else {
                out.put(name, value);
            }
        }
        return out;
    }

    /** The relationship name of a reference field: {@code AccountId} → {@code Account}, {@code Foo__c} → {@code Foo__r}. */
    static String relationship(String field) {
        if (field.endsWith("__c")) {
            return field.substring(0, field.length() - 3) + "__r";
        }
        if (field.endsWith("Id") && field.length() > 2) {
            return field.substring(0, field.length() - 2);
        }
        return field;
    }

    /**
     * The (object, external id field) pairs of the chunk, parents first: an object whose records point at another
     * object's records comes after it. A group whose references form a cycle fails.
     */
    private static List<String[]> objectOrder(List<Pending> chunk, Map<Integer, IntegrationException> failed) {
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        for (int g = 0; g < chunk.size(); g++) {
            WriteGroup group = chunk.get(g).group();
            for (RecordWrite r : group.records()) {
                String node = r.entity() + "|" + r.keyField();
                Set<String> of = parents.computeIfAbsent(node, k -> new LinkedHashSet<>());
                for (Map.Entry<String, JsonNode> f : r.fields().properties()) {
                    Matcher ref = f.getValue().isTextual() ? REF.matcher(f.getValue().asText()) : null;
                    if (ref != null && ref.matches()) {
                        group.record(ref.group(1)).ifPresent(p -> {
                            String parent = p.entity() + "|" + p.keyField();
                            if (!parent.equals(node)) {
                                of.add(parent);
                            }
                        });
                    }
                }
            }
        }
        List<String[]> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (placed.size() < parents.size()) {
            boolean progress = false;
            for (Map.Entry<String, Set<String>> e : parents.entrySet()) {
                if (!placed.contains(e.getKey()) && placed.containsAll(e.getValue())) {
                    placed.add(e.getKey());
                    order.add(e.getKey().split("\\|", 2));
                    progress = true;
                }
            }
            if (!progress) {
                // Objects that point at each other: Bulk cannot order them; their groups fail, the rest go on.
                for (int g = 0; g < chunk.size(); g++) {
                    for (RecordWrite r : chunk.get(g).group().records()) {
                        if (!placed.contains(r.entity() + "|" + r.keyField())) {
                            failed.putIfAbsent(g, flowError(chunk.get(g).group(), r,
                                    "its objects reference each other in a cycle, which Bulk jobs cannot order"));
                        }
                    }
                }
                parents.keySet().stream().filter(k -> !placed.contains(k)).toList().forEach(k -> {
                    placed.add(k);
                });
            }
        }
        return order;
    }

    private static IntegrationException flowError(WriteGroup group, RecordWrite r, String why) {
        return new IntegrationException("tandem", "FLOW_ERROR", "write group " + group.id() + ", " + r.entity() + " "
                + r.key() + ": " + why, 0, false, List.of(), null, null);
    }
}
