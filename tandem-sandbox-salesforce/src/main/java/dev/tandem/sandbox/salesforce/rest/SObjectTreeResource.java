package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /composite/tree/{SObject}} (spec §2.11): creates record trees — up to 200 records in all, up to five
 * types, up to five levels deep — in one all-or-nothing operation. Children are nested under their parent's child
 * relationship name ({@code "Contacts": {"records": [...]}}) and get the parent's id. Records are created level by
 * level, so the results list the top-level records first, as in the documented response.
 */
final class SObjectTreeResource {

    static final int MAX_RECORDS = 200;
    static final int MAX_TYPES = 5;
    static final int MAX_DEPTH = 5;

    private final SalesforceSchema schema;
    private final DmlEngine dml;

    SObjectTreeResource(SalesforceSchema schema, DmlEngine dml) {
        this.schema = schema;
        this.dml = dml;
    }

    /** A record waiting to be created: its body without children, its parent link, its level. */
    private record Pending(SObjectDefinition def, String referenceId, ObjectNode fields, String parentField,
            Pending parent, int depth) {
    }

    ApiResponse handle(ApiRequest request, CallScope scope) {
        if (!request.method().equals("POST")) {
            throw Responses.methodNotAllowed(request, "POST");
        }
        SObjectDefinition root = schema.object(request.segment(2)).orElseThrow(Responses::notFound);
        JsonNode records = request.json().get("records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            throw CompositeResults.invalidInput("records must be a non-empty array");
        }
        List<Pending> pending = new ArrayList<>();
        Set<String> referenceIds = new HashSet<>();
        Set<String> types = new HashSet<>();
        Deque<Pending> queue = new ArrayDeque<>();
        for (JsonNode record : records) {
            queue.add(parse(root, record, null, null, 1, referenceIds));
        }
        // Breadth-first: a parent is always created before its children.
        while (!queue.isEmpty()) {
            Pending next = queue.poll();
            pending.add(next);
            types.add(next.def().name());
            if (pending.size() > MAX_RECORDS || types.size() > MAX_TYPES) {
                // The limits are documented (§2.11, §5); the error wording is the sandbox's [inferred].
                throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED", "An sObject tree request can create up to "
                        + MAX_RECORDS + " records of up to " + MAX_TYPES + " types"));
            }
            queue.addAll(children(next, referenceIds));
        }
        Map<Pending, String> created = new java.util.IdentityHashMap<>();
        ArrayNode results = Json.array();
        for (Pending record : pending) {
            ObjectNode fields = record.fields().deepCopy();
            if (record.parent() != null) {
                fields.put(record.parentField(), created.get(record.parent()));
            }
            try {
                String id = dml.create(scope.tx(), record.def(), fields, scope.write());
                created.put(record, id);
                ObjectNode result = results.addObject();
                result.put("referenceId", record.referenceId());
                result.put("id", id);
            } catch (ApiException e) {
                // "If an error occurs while creating a record, the entire request fails" (§2.11); RestApi rolls
                // back what was created, and the body names the failing record.
                ObjectNode body = Json.object();
                body.put("hasErrors", true);
                ObjectNode result = body.putArray("results").addObject();
                result.put("referenceId", record.referenceId());
                ArrayNode errors = result.putArray("errors");
                e.errors().forEach(error -> errors.add(error.toSaveResultJson()));
                throw new TreeFailure(body);
            }
        }
        ObjectNode body = Json.object();
        body.put("hasErrors", false);
        body.set("results", results);
        return ApiResponse.of(201, body);
    }

    /** Thrown to roll the whole tree back while answering with the tree's own error body. */
    static final class TreeFailure extends RuntimeException {
        private final transient ObjectNode body;

        TreeFailure(ObjectNode body) {
            super("sObject tree failed", null, false, false);
            this.body = body;
        }

        ApiResponse response() {
            return ApiResponse.of(400, body);
        }
    }

    private Pending parse(SObjectDefinition expected, JsonNode record, String parentField, Pending parent, int depth,
            Set<String> referenceIds) {
        if (!(record instanceof ObjectNode object)) {
            throw CompositeResults.invalidInput("Each record must be a JSON object");
        }
        if (depth > MAX_DEPTH) {
            throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED",
                    "sObject trees can be up to " + MAX_DEPTH + " levels deep"));
        }
        JsonNode attributes = object.path("attributes");
        String type = attributes.path("type").asText("");
        if (!type.equalsIgnoreCase(expected.name())) {
            throw CompositeResults.invalidInput("The type of record " + attributes.path("referenceId").asText("")
                    + " must be " + expected.name() + " but is '" + type + "'");
        }
        String referenceId = attributes.path("referenceId").asText("");
        if (!References.REFERENCE_ID.matcher(referenceId).matches() || !referenceIds.add(referenceId)) {
            throw CompositeResults.invalidInput("Every record needs a unique, well-formed referenceId: '"
                    + referenceId + "'");
        }
        ObjectNode fields = object.deepCopy();
        fields.remove("attributes");
        return new Pending(expected, referenceId, fields, parentField, parent, depth);
    }

    /** Removes the nested child collections from {@code parent}'s fields and parses them. */
    private List<Pending> children(Pending parent, Set<String> referenceIds) {
        List<Pending> children = new ArrayList<>();
        for (String name : List.copyOf(iterable(parent.fields()))) {
            JsonNode value = parent.fields().get(name);
            if (!value.isObject() || !value.has("records")) {
                continue;
            }
            Optional<SalesforceSchema.ChildRelationship> relationship = schema.childRelationships(parent.def().name())
                    .stream().filter(r -> r.relationshipName().equalsIgnoreCase(name)).findFirst();
            if (relationship.isEmpty()) {
                throw ApiException.badRequest(ApiError.of("INVALID_FIELD", "No such column '" + name
                        + "' on sobject of type " + parent.def().name()));
            }
            parent.fields().remove(name);
            for (JsonNode child : value.get("records")) {
                children.add(parse(relationship.get().child(), child, relationship.get().field().name(), parent,
                        parent.depth() + 1, referenceIds));
            }
        }
        return children;
    }

    private static List<String> iterable(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
