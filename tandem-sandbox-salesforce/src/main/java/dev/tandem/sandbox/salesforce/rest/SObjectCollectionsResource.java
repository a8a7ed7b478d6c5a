package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.UpsertOutcome;
import dev.tandem.sandbox.salesforce.id.SalesforceIds;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * sObject Collections (spec §2.8, §9): create/update/upsert/delete up to 200 records and retrieve by ids. Results
 * are SaveResult lists whose errors carry {@code statusCode} (not {@code errorCode}).
 */
final class SObjectCollectionsResource {

    static final int MAX_RECORDS = 200;
    static final int MAX_RETRIEVE_IDS = 2000;

    private static final ApiError ROLLED_BACK = ApiError.of("ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "Record rolled back because not all records were valid and the request was using AllOrNone header",
            List.of());

    private final SalesforceSchema schema;
    private final DmlEngine dml;

    SObjectCollectionsResource(SalesforceSchema schema, DmlEngine dml) {
        this.schema = schema;
        this.dml = dml;
    }

    /**
     * One record's outcome before it is rendered; {@code error} null on success; {@code newRecord} when the record
     * did not exist before (its id means nothing once rolled back).
     */
    private record Outcome(String id, ApiException error, Boolean created, boolean newRecord) {
    }

    private interface RecordOperation {
        Outcome apply(JsonNode record);
    }

    ApiResponse handle(ApiRequest request, CallScope scope) {
        // segments: composite, sobjects[, Type[, ExtIdField]]
        return switch (request.depth()) {
            case 2 -> switch (request.method()) {
                case "POST" -> write(request, scope, record -> create(scope, record));
                case "PATCH" -> write(request, scope, record -> update(scope, record));
                case "DELETE" -> delete(request, scope);
                default -> throw Responses.methodNotAllowed(request, "DELETE", "PATCH", "POST");
            };
            case 3 -> switch (request.method()) {
                case "GET" -> retrieve(request, scope, request.queryParam("ids"), request.queryParam("fields"));
                case "POST" -> {
                    JsonNode body = request.json();
                    yield retrieve(request, scope, join(body.get("ids")), join(body.get("fields")));
                }
                default -> throw Responses.methodNotAllowed(request, "GET", "POST");
            };
            case 4 -> {
                if (!request.method().equals("PATCH")) {
                    throw Responses.methodNotAllowed(request, "PATCH");
                }
                SObjectDefinition def = schema.object(request.segment(2)).orElseThrow(Responses::notFound);
                FieldDefinition key = dml.externalIdField(def, request.segment(3));
                yield write(request, scope, record -> upsert(scope, def, key, record));
            }
            default -> throw Responses.notFound();
        };
    }

    private ApiResponse write(ApiRequest request, CallScope scope, RecordOperation operation) {
        JsonNode body = request.json();
        JsonNode records = body.get("records");
        if (records == null || !records.isArray()) {
            throw CompositeResults.invalidInput("records must be an array");
        }
        checkSize(records.size());
        boolean allOrNone = body.path("allOrNone").asBoolean(false);
        int start = scope.tx().savepoint();
        List<Outcome> outcomes = new ArrayList<>();
        for (JsonNode record : records) {
            int savepoint = scope.tx().savepoint();
            Outcome outcome;
            try {
                outcome = operation.apply(record);
            } catch (ApiException e) {
                scope.tx().rollbackTo(savepoint);
                outcome = new Outcome(null, e, null, false);
            }
            outcomes.add(outcome);
        }
        boolean anyFailed = outcomes.stream().anyMatch(o -> o.error() != null);
        if (allOrNone && anyFailed) {
            scope.tx().rollbackTo(start);
        }
        ArrayNode results = Json.array();
        for (Outcome outcome : outcomes) {
            ObjectNode result = results.addObject();
            boolean rolledBack = outcome.error() == null && allOrNone && anyFailed;
            if (outcome.id() != null && outcome.error() == null && !(rolledBack && outcome.newRecord())) {
                result.put("id", outcome.id());
            }
            if (outcome.error() != null) {
                result.put("success", false);
                ArrayNode errors = result.putArray("errors");
                outcome.error().errors().forEach(e -> errors.add(e.toSaveResultJson()));
            } else if (rolledBack) {
                result.put("success", false);
                result.putArray("errors").add(ROLLED_BACK.toSaveResultJson());
            } else {
                result.put("success", true);
                result.putArray("errors");
                if (outcome.created() != null) {
                    result.put("created", outcome.created());
                }
            }
        }
        return ApiResponse.of(200, results);
    }

    private Outcome create(CallScope scope, JsonNode record) {
        SObjectDefinition def = typeOf(record);
        return new Outcome(dml.create(scope.tx(), def, withoutAttributes(record), scope.write()), null, null, true);
    }

    private Outcome update(CallScope scope, JsonNode record) {
        SObjectDefinition def = typeOf(record);
        ObjectNode fields = withoutAttributes(record);
        JsonNode idNode = fields.has("id") ? fields.remove("id") : fields.remove("Id");
        if (idNode == null || idNode.asText().isEmpty()) {
            throw ApiException.badRequest(ApiError.of("MISSING_ARGUMENT", "Id not specified in an update call",
                    List.of()));
        }
        dml.update(scope.tx(), def, idNode.asText(), fields, scope.write());
        return new Outcome(SalesforceIds.normalize(idNode.asText()).orElse(idNode.asText()), null, null, false);
    }

    /** "Note the upsert external-id value goes in the body (unlike single-record upsert)" (§2.8). */
    private Outcome upsert(CallScope scope, SObjectDefinition def, FieldDefinition key, JsonNode record) {
        SObjectDefinition declared = typeOf(record);
        if (!declared.name().equals(def.name())) {
            throw ApiException.badRequest(ApiError.of("INVALID_TYPE", "Records must be of the type in the URL: "
                    + def.name(), List.of()));
        }
        ObjectNode fields = withoutAttributes(record);
        String keyName = fields.properties().stream().map(Map.Entry::getKey)
                .filter(k -> k.equalsIgnoreCase(key.name())).findFirst()
                .orElseThrow(() -> ApiException.badRequest(ApiError.of("MISSING_ARGUMENT",
                        key.name() + " not specified", List.of(key.name()))));
        String value = fields.remove(keyName).asText();
        UpsertOutcome outcome = dml.upsert(scope.tx(), def, key.name(), value, fields, false, scope.write());
        if (outcome.ambiguous()) {
            throw new ApiException(300, List.of(ApiError.of("DUPLICATE_EXTERNAL_ID",
                    key.name() + ": more than one record found for external id field: " + outcome.matches(),
                    List.of(key.name()))));
        }
        return new Outcome(outcome.id(), null, outcome.created(), outcome.created());
    }

    private ApiResponse delete(ApiRequest request, CallScope scope) {
        String ids = request.queryParam("ids");
        List<String> list = ids == null || ids.isBlank() ? List.of() : Arrays.asList(ids.split(","));
        checkSize(list.size());
        boolean allOrNone = "true".equalsIgnoreCase(request.queryParam("allOrNone"));
        int start = scope.tx().savepoint();
        List<Outcome> outcomes = new ArrayList<>();
        for (String raw : list) {
            String id = raw.trim();
            int savepoint = scope.tx().savepoint();
            try {
                SObjectDefinition def = SalesforceIds.normalize(id)
                        .flatMap(n -> schema.objectByKeyPrefix(n.substring(0, 3)))
                        .orElseThrow(() -> ApiException.badRequest(ApiError.of("MALFORMED_ID",
                                "malformed id " + id, List.of())));
                dml.delete(scope.tx(), def, id, scope.write());
                outcomes.add(new Outcome(SalesforceIds.normalize(id).orElseThrow(), null, null, false));
            } catch (ApiException e) {
                scope.tx().rollbackTo(savepoint);
                outcomes.add(new Outcome(SalesforceIds.normalize(id).orElse(null), e, null, false));
            }
        }
        boolean anyFailed = outcomes.stream().anyMatch(o -> o.error() != null);
        if (allOrNone && anyFailed) {
            scope.tx().rollbackTo(start);
        }
        ArrayNode results = Json.array();
        for (Outcome outcome : outcomes) {
            ObjectNode result = results.addObject();
            if (outcome.id() != null) {
                result.put("id", outcome.id());
            }
            boolean rolledBack = outcome.error() == null && allOrNone && anyFailed;
            result.put("success", outcome.error() == null && !rolledBack);
            ArrayNode errors = result.putArray("errors");
            if (outcome.error() != null) {
                outcome.error().errors().forEach(e -> errors.add(e.toSaveResultJson()));
            } else if (rolledBack) {
                errors.add(ROLLED_BACK.toSaveResultJson());
            }
        }
        return ApiResponse.of(200, results);
    }

    /** Ids that are invalid or not visible come back as null entries (spec §9). */
    private ApiResponse retrieve(ApiRequest request, CallScope scope, String ids, String fields) {
        SObjectDefinition def = schema.object(request.segment(2)).orElseThrow(Responses::notFound);
        List<String> list = ids == null || ids.isBlank() ? List.of() : Arrays.asList(ids.split(","));
        if (list.isEmpty() || fields == null || fields.isBlank()) {
            throw ApiException.badRequest(ApiError.of("MISSING_ARGUMENT", "ids and fields are required"));
        }
        if (list.size() > MAX_RETRIEVE_IDS) {
            throw exceeded(MAX_RETRIEVE_IDS);
        }
        ArrayNode results = Json.array();
        for (String raw : list) {
            Row row = SalesforceIds.normalize(raw.trim(), def.keyPrefix()).flatMap(scope.tx()::find)
                    .filter(r -> !r.deleted() && r.type().equals(def.name())).orElse(null);
            results.add(row == null ? NullNode.getInstance()
                    : SObjectResource.render(def, row, request.version(), fields));
        }
        return ApiResponse.of(200, results);
    }

    private SObjectDefinition typeOf(JsonNode record) {
        String type = record.path("attributes").path("type").asText("");
        if (type.isEmpty()) {
            throw ApiException.badRequest(ApiError.of("INVALID_TYPE",
                    "Must specify a type in attributes for each record", List.of()));
        }
        return schema.object(type).orElseThrow(() -> ApiException.badRequest(ApiError.of("INVALID_TYPE",
                "sObject type '" + type + "' is not supported.", List.of())));
    }

    private static ObjectNode withoutAttributes(JsonNode record) {
        if (!(record instanceof ObjectNode object)) {
            throw ApiException.badRequest(ApiError.of("JSON_PARSER_ERROR", "Each record must be a JSON object"));
        }
        // The caller removes top-level fields only and nothing writes below them, so a shallow copy is enough.
        ObjectNode copy = Json.object();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!field.getKey().equals("attributes")) {
                copy.set(field.getKey(), field.getValue());
            }
        }
        return copy;
    }

    private static void checkSize(int size) {
        if (size > MAX_RECORDS) {
            throw exceeded(MAX_RECORDS);
        }
    }

    private static ApiException exceeded(int max) {
        // "Collections over 200 records are rejected as a whole (error code EXCEEDED_ID_LIMIT [verify message])"
        // (spec §9).
        return ApiException.badRequest(ApiError.of("EXCEEDED_ID_LIMIT",
                "record limit reached. cannot submit more than " + max + " records into this call"));
    }

    private static String join(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return String.join(",", values);
    }
}
