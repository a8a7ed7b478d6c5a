package dev.tandem.sandbox.clarity.entity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.store.EntityTable;
import dev.tandem.sandbox.clarity.wire.CefDates;
import dev.tandem.sandbox.clarity.wire.CefNamingStrategy;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The write half of CEF's uniform route set (spec §5): {@code Create}, {@code Upsert}, {@code Update} and the hard
 * {@code Delete}. Bodies are the bare model, not wrapped; writes answer {@code CEFActionResponse<int>} with the ID.
 *
 * <p>A write merges the members it carries over the stored row; members it leaves out (or sends as null) keep their
 * value. That is the safe reading for an integration that only owns some fields. Unknown members are ignored, as
 * ServiceStack ignores them.
 *
 * @param <T> the wire model
 */
public final class EntityWriteRoutes<T extends CefModel> {

    private static final List<String> SERVER_OWNED = List.of("ID", "CreatedDate", "UpdatedDate", "Hash");

    private final String basePath;
    private final String module;
    private final EntityTable<T> table;
    private final WriteRules rules;
    private final SessionGuard guard;
    private final JsonResponder responder;
    private final Clock clock;
    private final ChangeListener<T> listener;
    /** Wire names of the model, by lower-case name, to bind body members case-insensitively. */
    private final Map<String, String> wireNames;

    public EntityWriteRoutes(String basePath, String module, EntityTable<T> table, WriteRules rules,
            SessionGuard guard, JsonResponder responder, Clock clock, ChangeListener<T> listener) {
        this.basePath = basePath;
        this.module = module;
        this.table = table;
        this.rules = rules;
        this.guard = guard;
        this.responder = responder;
        this.clock = clock;
        this.listener = listener;
        CefNamingStrategy naming = new CefNamingStrategy();
        this.wireNames = Arrays.stream(table.type().getRecordComponents())
                .map(RecordComponent::getName)
                .map(naming::translate)
                .collect(Collectors.toMap(n -> n.toLowerCase(Locale.ROOT), Function.identity()));
    }

    public void register(RoutesConfig routes) {
        String entity = basePath + "/" + module + "/" + table.entityName();
        routes.post(entity + "/Create", guard.protect(permission("Create"), this::create));
        // Upsert's DTO carries [Authenticate] only (spec §5.1); the sandbox still checks Create or Update for the
        // branch it takes, so a read-only login cannot write through it [INFERRED].
        routes.post(entity + "/Upsert", guard.protect(this::upsert));
        routes.put(entity + "/Update", guard.protect(permission("Update"), this::update));
        routes.delete(entity + "/Delete/ID/{ID}", guard.protect(permission("Delete"),
                ctx -> delete(ctx, id(ctx.pathParam("ID")))));
        routes.delete(entity + "/Delete/Key/<Key>", guard.protect(permission("Delete"), ctx -> delete(ctx,
                table.byKey(ctx.pathParam("Key")).map(CefModel::id).orElseThrow(() -> ClarityHttpException.notFound(
                        table.entityName() + " with CustomKey '" + ctx.pathParam("Key") + "' was not found")))));
    }

    private String permission(String action) {
        return module + "." + table.entityName() + "." + action;
    }

    private void create(Context ctx) {
        ObjectNode body = body(ctx);
        responder.send(ctx, CefActionResponse.succeeded(insert(body).id()));
    }

    /** WorkflowBase upsert (spec §5): update by a valid, existing ID; else by an existing CustomKey; else create. */
    private void upsert(Context ctx) {
        ObjectNode body = body(ctx);
        Optional<T> existing = existingById(body).or(() -> existingByKey(body));
        guard.requirePermission(ctx, permission(existing.isPresent() ? "Update" : "Create"));
        T stored = existing.isPresent() ? merge(existing.get(), body) : insert(body);
        responder.send(ctx, CefActionResponse.succeeded(stored.id()));
    }

    private void update(Context ctx) {
        ObjectNode body = body(ctx);
        T existing = existingById(body).or(() -> existingByKey(body)).orElseThrow(() -> ClarityHttpException.notFound(
                table.entityName() + " to update was not found by ID or CustomKey"));
        responder.send(ctx, CefActionResponse.succeeded(merge(existing, body).id()));
    }

    private void delete(Context ctx, int id) {
        T removed = table.remove(id).orElseThrow(() -> ClarityHttpException.notFound(
                table.entityName() + " with ID " + id + " was not found"));
        listener.deleted(removed);
        responder.send(ctx, CefActionResponse.succeeded());
    }

    private T insert(ObjectNode body) {
        String key = text(body, "CustomKey");
        if (key != null && table.byKey(key).isPresent()) {
            throw ClarityHttpException.actionFailed(
                    table.entityName() + " with CustomKey '" + key + "' already exists");
        }
        Instant now = clock.instant();
        ObjectNode row = responder.json().mapper().createObjectNode();
        row.put("ID", table.nextId());
        row.put("Active", true);
        row.put("CreatedDate", CefDates.format(now));
        row.put("UpdatedDate", CefDates.format(now));
        row.putObject("SerializableAttributes");
        copyMembers(body, row);
        T stored = store(row);
        listener.created(stored);
        return stored;
    }

    private T merge(T existing, ObjectNode body) {
        String key = text(body, "CustomKey");
        if (key != null) {
            table.byKey(key).filter(other -> other.id() != existing.id()).ifPresent(other -> {
                throw ClarityHttpException.actionFailed(
                        table.entityName() + " with CustomKey '" + key + "' already exists");
            });
        }
        ObjectNode row = (ObjectNode) responder.json().tree(existing);
        // A write that names a type or status by key alone replaces the stored one: drop the stored ID (and the
        // other way round), or the old reference would win when the lookup is resolved.
        rules.lookups().keySet().forEach(prefix -> {
            boolean givesId = member(body, prefix + "ID") != null && !member(body, prefix + "ID").isNull();
            boolean givesKey = text(body, prefix + "Key") != null;
            if (givesKey && !givesId) {
                row.remove(prefix + "ID");
            } else if (givesId && !givesKey) {
                row.remove(prefix + "Key");
            }
        });
        copyMembers(body, row);
        row.put("UpdatedDate", CefDates.format(clock.instant()));
        T stored = store(row);
        listener.updated(existing, stored);
        return stored;
    }

    private T store(ObjectNode row) {
        resolveLookups(row);
        for (String field : rules.requiredFields()) {
            if (text(row, field) == null) {
                throw ClarityHttpException.actionFailed(field + " is required");
            }
        }
        rules.resolver().resolve(row);
        T model;
        try {
            model = responder.json().fromTree(row, table.type());
        } catch (RuntimeException e) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "Invalid " + table.entityName() + ": " + rootMessage(e));
        }
        return table.put(model);
    }

    /** Copies the body's non-null members onto the row under their canonical wire names. */
    private void copyMembers(ObjectNode body, ObjectNode row) {
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            String name = wireNames.get(member.getKey().toLowerCase(Locale.ROOT));
            if (name == null || SERVER_OWNED.contains(name) || member.getValue().isNull()) {
                continue;
            }
            row.set(name, member.getValue());
        }
    }

    /** Completes {@code <X>ID/<X>Key/<X>Name} from whichever the write gave, or the default row. */
    private void resolveLookups(ObjectNode row) {
        rules.lookups().forEach((prefix, rule) -> {
            List<Lookup> rows = rule.rows();
            JsonNode id = row.get(prefix + "ID");
            String key = text(row, prefix + "Key");
            Optional<Lookup> found = Optional.empty();
            if (id != null && id.canConvertToInt() && id.asInt() > 0) {
                found = Lookup.byId(rows, id.asInt());
            } else if (key != null) {
                found = Lookup.byKey(rows, key);
            }
            if (found.isEmpty() && (key != null || (id != null && id.asInt() > 0))) {
                throw ClarityHttpException.actionFailed("Unknown " + table.entityName() + " "
                        + prefix + " " + (key != null ? "'" + key + "'" : id.asText()));
            }
            Lookup lookup = found.orElse(rule.fallback());
            row.put(prefix + "ID", lookup.id());
            row.put(prefix + "Key", lookup.key());
            row.put(prefix + "Name", lookup.name());
        });
    }

    private Optional<T> existingById(ObjectNode body) {
        JsonNode id = member(body, "ID");
        return id != null && id.canConvertToInt() && id.asInt() > 0 ? table.byId(id.asInt()) : Optional.empty();
    }

    private Optional<T> existingByKey(ObjectNode body) {
        String key = text(body, "CustomKey");
        return key == null ? Optional.empty() : table.byKey(key);
    }

    private ObjectNode body(Context ctx) {
        JsonNode node = responder.json().read(ctx.bodyAsBytes(), JsonNode.class);
        if (!(node instanceof ObjectNode object)) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "The body must be a " + table.entityName() + "Model object");
        }
        return object;
    }

    private static JsonNode member(ObjectNode node, String name) {
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (member.getKey().equalsIgnoreCase(name)) {
                return member.getValue();
            }
        }
        return null;
    }

    private static String text(ObjectNode node, String name) {
        JsonNode value = member(node, name);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static int id(String raw) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "Unable to bind 'ID': '" + raw + "' is not an Int32");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
