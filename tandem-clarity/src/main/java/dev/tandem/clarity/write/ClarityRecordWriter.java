package dev.tandem.clarity.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tandem's Clarity writer for flows ({@code to: {system: clarity}}): each record of a {@link WriteGroup} becomes CEF
 * calls on the uniform routes of clarity-api.md §5, for {@code Contact}, {@code Account}, {@code User} and
 * {@code Product} ({@code PUT /Products/Product/Update}, clarity-routes.md; products are updated, never created: a
 * product missing in Clarity is refused with {@code NotFound}, since a Salesforce Product2 carries no CEF catalogue
 * data to create one from).
 *
 * <p>How a plan's record is written:
 * <ul>
 *   <li>keyField {@value #CUSTOM_KEY}: the record is looked up with {@code GET /<M>/<E>/Key/{key}}. Found: the plan's
 *       fields are merged over it and sent with {@code PUT /<M>/<E>/Update}. Missing: the fields plus the key are sent
 *       to {@code POST /<M>/<E>/Upsert}, which creates it (§5: "if CustomKey is valid and exists, update it ...;
 *       otherwise create"). Upsert, not Create, so a replay after a lost answer updates instead of duplicating.</li>
 *   <li>keyField {@value #ID}: {@code GET /<M>/<E>/ID/{id}}, then the merged Update; a missing id is refused with
 *       {@code NotFound}, never created.</li>
 *   <li>{@value #ACTIVE} in the fields is no field write: {@code false} becomes CEF's soft delete
 *       {@code PATCH /<M>/<E>/Deactivate/ID/{ID}}, {@code true} {@code .../Reactivate/ID/{ID}} (§5), sent after
 *       the other fields and only when the record's state differs.</li>
 * </ul>
 *
 * <p>Why read-modify-write: §5 documents that Update's body "is the entity model itself", not whether members left
 * out keep their value or are cleared. Sending the current record with the plan's fields merged in (objects such
 * as {@code Address} merged member by member) is correct under either reading, so a plan never blanks a field it
 * leaves out. A merge that changes nothing sends no Update (nothing to echo back either). The cost is one GET per
 * record, and a change made in Clarity between the GET and the Update is overwritten (CEF offers no
 * If-Match/version check to prevent it).
 *
 * <p>References: a field whose value is exactly {@code "@{ref.id}"} becomes the (integer) CEF id of the earlier
 * record {@code ref} of the group, e.g. a User's {@code "AccountID": "@{account.id}"}; inside a longer string the
 * id is substituted as text.
 *
 * <p>Outcomes: {@link WriteOutcome.Written} with every ref's CEF {@code ID} (as a decimal string; never
 * {@code replayed}, since every record's id is known). {@link WriteOutcome.Rejected} when CEF refuses a record,
 * with CEF's code: its ServiceStack {@code ErrorCode} verbatim (e.g. {@code NotFound}, {@code
 * SerializationException}); for an {@code ActionSucceeded: false} answer, which carries messages only (§2), Tandem's
 * {@value #REQUIRED_FIELD_MISSING} ("X is required", with the field), {@value #DUPLICATE_VALUE} ("already exists")
 * or {@value ClarityWriteException#CODE}, so {@link dev.tandem.core.error.ErrorClass} gives missing_field, duplicate
 * and data. Failures that data cannot fix are thrown, not rejected: no answer, 5xx, 408, 429 and an open circuit
 * as the client's retryable {@link IntegrationException} (system {@code clarity}), 401/403 (the integration user's
 * permissions) and an answer that is no CEF response as permanent ones, so the runtime retries or pauses the flow.
 *
 * <p>Not atomic: CEF has no transaction across calls and no batch write for these entities (§5 lists no
 * {@code UpdateMany} for them), so a group refused at its third record keeps its first two. Every write is an
 * upsert by key, so the group sent again after the data is fixed updates what was written. Records of one group are
 * written in order, one call after the other; different groups run concurrently, at most {@code maxConcurrentGroups}
 * at a time.
 *
 * <p>Reads are not batched ahead of the writes: each record is read just before its Update, so a change made in
 * Clarity meanwhile is overwritten only inside that one request's window (read all of a batch at once, with CEF's
 * list and {@code IDs} filter, the last writes went out seconds after their reads and a contact renamed in between
 * lost its new name). Groups are queued until {@link #flush()} (or at most {@value #WINDOW_MILLIS} ms) and then
 * written, at most {@code maxConcurrentGroups} at a time.
 *
 * <p>Echo suppression (for the integrator): {@code To} fingerprints the plan's fields under the written ids, which
 * here are CEF's {@code ID}s, the same id Clarity's change feed reports (webhook {@code ID}, §11; the polled row's
 * {@code ID}). A Clarity echo policy must therefore key its notices by entity and {@code ID} and compare the
 * current record's values of the planned fields (by their wire names, e.g. {@code Phone1}, {@code Email1}). CEF's
 * models carry no "modified by" (BaseModel, §6) and the webhook has no actor, so the policy's "made by Tandem"
 * condition has nothing to check on a real CEF; it has to rely on the fingerprint alone [inferred].
 *
 * <p>Thread-safe.
 */
public final class ClarityRecordWriter implements RecordWriter {

    public static final String CUSTOM_KEY = "CustomKey";
    public static final String ID = "ID";
    public static final String ACTIVE = "Active";
    public static final String REQUIRED_FIELD_MISSING = "REQUIRED_FIELD_MISSING";
    public static final String DUPLICATE_VALUE = "DUPLICATE_VALUE";
    public static final String UNSUPPORTED_ENTITY = "UNSUPPORTED_ENTITY";
    public static final String INVALID_KEY = "INVALID_KEY";
    public static final String INVALID_FIELD = "INVALID_FIELD";
    public static final String UNRESOLVED_REFERENCE = "UNRESOLVED_REFERENCE";
    public static final String NOT_FOUND = "NotFound";
    /** Groups written at the same time by default: a few calls in flight, far from CEF's request limits. */
    public static final int DEFAULT_MAX_CONCURRENT_GROUPS = 4;

    private static final Set<ClarityEntity> SUPPORTED = Set.of(ClarityEntity.CONTACT, ClarityEntity.ACCOUNT,
            ClarityEntity.USER, ClarityEntity.PRODUCT);
    /** Written only when they exist: Clarity masters the catalogue, Tandem updates a product's fields. */
    private static final Set<ClarityEntity> UPDATE_ONLY = Set.of(ClarityEntity.PRODUCT);
    /** Maintained by CEF; a copy sent back would at best be ignored. */
    private static final List<String> SERVER_OWNED = List.of("CreatedDate", "UpdatedDate", "Hash");
    private static final Pattern REFERENCE = Pattern.compile("@\\{([^}.]+)\\.id}");
    private static final Pattern CEF_ID = Pattern.compile("\\d{1,10}");
    private static final Pattern REQUIRED = Pattern.compile("^(\\w+) is required");

    private final ClarityRestClient client;
    private final ClarityWriter writer;
    private final Executor executor;
    private final Semaphore permits;
    private final List<Queued> queue = new ArrayList<>();
    /** The longest a queued group waits for {@link #flush()}. */
    static final long WINDOW_MILLIS = 20;

    /** Writes groups on virtual threads, at most {@value #DEFAULT_MAX_CONCURRENT_GROUPS} at a time. */
    public ClarityRecordWriter(ClarityRestClient client) {
        this(client, task -> Thread.ofVirtual().name("clarity-writer").start(task), DEFAULT_MAX_CONCURRENT_GROUPS);
    }

    public ClarityRecordWriter(ClarityRestClient client, Executor executor, int maxConcurrentGroups) {
        this.client = Objects.requireNonNull(client, "client");
        this.writer = new ClarityWriter(client);
        this.executor = Objects.requireNonNull(executor, "executor");
        if (maxConcurrentGroups < 1) {
            throw new IllegalArgumentException("maxConcurrentGroups must be positive, got: " + maxConcurrentGroups);
        }
        this.permits = new Semaphore(maxConcurrentGroups);
    }

    @Override
    public CompletableFuture<WriteOutcome> write(WriteGroup group) {
        Objects.requireNonNull(group, "group");
        CompletableFuture<WriteOutcome> result = new CompletableFuture<>();
        boolean first;
        synchronized (queue) {
            first = queue.isEmpty();
            queue.add(new Queued(group, result));
        }
        if (first) {
            // Sent at the latest after the window, for a caller that does not flush.
            CompletableFuture.delayedExecutor(WINDOW_MILLIS, TimeUnit.MILLISECONDS, executor).execute(this::flush);
        }
        return result;
    }

    /** Sends every queued group, after reading the current state of their records in as few requests as CEF allows. */
    @Override
    public void flush() {
        List<Queued> drained;
        synchronized (queue) {
            if (queue.isEmpty()) {
                return;
            }
            drained = new ArrayList<>(queue);
            queue.clear();
        }
        // Each record is read just before its Update (writeRecord): a batched read ahead of the writes left the
        // last of a hundred writes seconds behind its read, and a change a person made in Clarity in between was
        // overwritten by the older record merged with the plan (seen as a lost contact rename; reading in waves of
        // the concurrent groups narrowed it but still lost one under load). CEF has no version check on Update.
        for (Queued q : drained) {
            send(q.group()).whenComplete((outcome, failure) -> {
                if (failure != null) {
                    q.result().completeExceptionally(failure instanceof java.util.concurrent.CompletionException
                            && failure.getCause() != null ? failure.getCause() : failure);
                } else {
                    q.result().complete(outcome);
                }
            });
        }
    }

    /** A group waiting for {@link #flush()}. */
    private record Queued(WriteGroup group, CompletableFuture<WriteOutcome> result) {
    }

    private CompletableFuture<WriteOutcome> send(WriteGroup group) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw IntegrationException.transientFailure("clarity", "INTERRUPTED",
                        "Interrupted while waiting to write group " + group.id() + " to Clarity", 0, e);
            }
            try {
                return writeGroup(group);
            } finally {
                permits.release();
            }
        }, executor);
    }

    /** A record written by {@value #ID} is named by its CEF id, the id Clarity's webhooks and polls report. */
    @Override
    public boolean keysByRecordId(String keyField) {
        return ID.equalsIgnoreCase(keyField);
    }

    private WriteOutcome writeGroup(WriteGroup group) {
        Map<String, String> ids = new LinkedHashMap<>();
        List<String> requests = new ArrayList<>();
        for (RecordWrite record : group.records()) {
            Result result = writeRecord(record, ids, requests);
            if (result.rejection() != null) {
                return new WriteOutcome.Rejected(record.ref(), result.rejection(), String.join("; ", requests));
            }
            ids.put(record.ref(), Integer.toString(result.id()));
        }
        return new WriteOutcome.Written(ids, false, String.join("; ", requests));
    }

    private Result writeRecord(RecordWrite record, Map<String, String> ids, List<String> requests) {
        Optional<ClarityEntity> found = supported(record.entity());
        if (found.isEmpty()) {
            return Result.refused(UNSUPPORTED_ENTITY, "Tandem writes Contact, Account, User and Product to Clarity, not '"
                    + record.entity() + "'", List.of());
        }
        ClarityEntity entity = found.get();
        ObjectNode fields;
        try {
            fields = resolve(record.fields(), ids);
        } catch (IllegalArgumentException unresolved) {
            return Result.refused(UNRESOLVED_REFERENCE, unresolved.getMessage(), List.of());
        }
        JsonNode active = null;
        List<String> names = new ArrayList<>();
        fields.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (ID.equalsIgnoreCase(name)) {
                // Update and Upsert match by the body's ID first (§5): a plan's ID would redirect the write.
                return Result.refused(INVALID_FIELD, "the record's ID comes from the plan's key, not its fields",
                        List.of(name));
            }
            if (ACTIVE.equalsIgnoreCase(name)) {
                active = fields.remove(name);
            }
        }
        if (active != null && !active.isBoolean()) {
            return Result.refused(INVALID_FIELD, "Active must be true or false, got: " + active, List.of(ACTIVE));
        }
        boolean byId = ID.equalsIgnoreCase(record.keyField());
        if (!byId && !CUSTOM_KEY.equalsIgnoreCase(record.keyField())) {
            return Result.refused(INVALID_KEY, "a Clarity record is written by ID or CustomKey, not by '"
                    + record.keyField() + "'", List.of(record.keyField()));
        }
        String key = record.key();
        if (byId ? !CEF_ID.matcher(key).matches() || Long.parseLong(key) > Integer.MAX_VALUE : key.isBlank()
                || key.length() > 128) {
            return Result.refused(INVALID_KEY, byId ? "a Clarity ID is a positive integer, got: '" + abbreviate(key)
                    + "'" : "a CustomKey has 1 to 128 characters (clarity-api.md §2), got " + key.length(),
                    List.of(record.keyField()));
        }
        try {
            String route = entity.routePrefix();
            requests.add("GET " + route + (byId ? "/ID/" : "/Key/") + "{key}");
            Optional<ObjectNode> current = byId ? client.fetch(entity.entityName(), key)
                    : client.fetchByKey(entity.entityName(), key);
            if (current.isEmpty()) {
                if (byId) {
                    return Result.refused(NOT_FOUND, entity.entityName() + " with ID " + key + " was not found",
                            List.of(ID));
                }
                if (UPDATE_ONLY.contains(entity)) {
                    return Result.refused(NOT_FOUND, "no " + entity.entityName() + " with CustomKey '"
                            + abbreviate(key) + "' in Clarity: Tandem updates Clarity products, it does not create "
                            + "them", List.of(CUSTOM_KEY));
                }
                if (Boolean.FALSE.equals(active == null ? null : active.asBoolean()) && fields.isEmpty()) {
                    return Result.refused(NOT_FOUND, "no " + entity.entityName() + " with CustomKey '"
                            + abbreviate(key) + "' to deactivate", List.of(CUSTOM_KEY));
                }
                ObjectNode body = fields.deepCopy();
                body.put(CUSTOM_KEY, key);
                if (active != null) {
                    body.set(ACTIVE, active);
                }
                requests.add("POST " + route + "/Upsert");
                return Result.written(writer.upsert(entity, body));
            }
            ObjectNode existing = current.get();
            int id = existing.path(ID).asInt();
            if (id <= 0) {
                throw IntegrationException.permanentFailure("clarity", "UNEXPECTED_RESPONSE",
                        "Clarity returned a " + entity.entityName() + " without an ID", 200);
            }
            ObjectNode merged = existing.deepCopy();
            merge(merged, fields);
            if (!merged.equals(existing)) {
                SERVER_OWNED.forEach(merged::remove);
                requests.add("PUT " + route + "/Update");
                id = writer.update(entity, merged);
            }
            if (active != null && existing.path(ACTIVE).asBoolean(true) != active.asBoolean()) {
                requests.add("PATCH " + route + (active.asBoolean() ? "/Reactivate" : "/Deactivate") + "/ID/" + id);
                writer.setActive(entity, id, active.asBoolean());
            }
            return Result.written(id);
        } catch (ClarityWriteException refused) {
            return Result.refused(refused.messages());
        } catch (IntegrationException failed) {
            if (failed.retryable() || failed.httpStatus() == 401 || failed.httpStatus() == 403
                    || failed.httpStatus() / 100 != 4) {
                throw failed;
            }
            return new Result(0, new ApiError(failed.errorCode(), failed.getMessage(), failed.fields(), false));
        }
    }

    private static Optional<ClarityEntity> supported(String name) {
        return SUPPORTED.stream().filter(e -> e.entityName().equalsIgnoreCase(name)).findFirst();
    }

    /** A copy of the fields with every {@code "@{ref.id}"} replaced by that earlier record's id. */
    private static ObjectNode resolve(ObjectNode fields, Map<String, String> ids) {
        ObjectNode out = fields.deepCopy();
        replaceReferences(out, ids);
        return out;
    }

    private static void replaceReferences(JsonNode node, Map<String, String> ids) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                JsonNode value = member.getValue();
                if (value.isTextual()) {
                    member.setValue(reference(value.asText(), ids));
                } else {
                    replaceReferences(value, ids);
                }
            }
        } else if (node != null && node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, reference(array.get(i).asText(), ids));
                } else {
                    replaceReferences(array.get(i), ids);
                }
            }
        }
    }

    private static JsonNode reference(String text, Map<String, String> ids) {
        if (!text.contains("@{")) {
            return TextNode.valueOf(text);
        }
        Matcher whole = REFERENCE.matcher(text);
        if (whole.matches()) {
            return IntNode.valueOf(Integer.parseInt(id(whole.group(1), ids)));
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(id(m.group(1), ids)));
        }
        m.appendTail(out);
        return TextNode.valueOf(out.toString());
    }

    private static String id(String ref, Map<String, String> ids) {
        String id = ids.get(ref);
        if (id == null) {
            throw new IllegalArgumentException("'@{" + abbreviate(ref) + ".id}' names no earlier record of the group");
        }
        return id;
    }

    /** Merges {@code changes} into {@code target}: objects member by member, every other value replaced. */
    private static void merge(ObjectNode target, ObjectNode changes) {
        for (Map.Entry<String, JsonNode> change : changes.properties()) {
            JsonNode value = change.getValue();
            if (value.isObject() && target.get(change.getKey()) instanceof ObjectNode existing) {
                merge(existing, (ObjectNode) value);
            } else {
                target.set(change.getKey(), value);
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** A record's id, or CEF's refusal. */
    private record Result(int id, ApiError rejection) {

        static Result written(int id) {
            return new Result(id, null);
        }

        static Result refused(String code, String message, List<String> fields) {
            return new Result(0, new ApiError(code, message, fields, false));
        }

        /** An {@code ActionSucceeded: false} answer: CEF gives messages only, so the code is read from them. */
        static Result refused(List<String> messages) {
            String message = messages.isEmpty() ? "Clarity refused the write without a reason"
                    : String.join("; ", messages);
            for (String m : messages) {
                Matcher required = REQUIRED.matcher(m);
                if (required.find()) {
                    return refused(REQUIRED_FIELD_MISSING, message, List.of(required.group(1)));
                }
            }
            if (messages.stream().anyMatch(m -> m.contains("already exists"))) {
                return refused(DUPLICATE_VALUE, message, List.of());
            }
            return refused(ClarityWriteException.CODE, message, List.of());
        }
    }
}
