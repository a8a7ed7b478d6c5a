package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.FieldValues;
import dev.tandem.sandbox.salesforce.dml.UpsertOutcome;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.FieldType;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.soql.QueryExecutor;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /sobjects}, {@code /sobjects/{T}}, {@code /sobjects/{T}/describe}, {@code /sobjects/{T}/{id}} and
 * {@code /sobjects/{T}/{externalIdField}/{value}} (spec §2.3, §2.4, §2.6).
 */
final class SObjectResource {

    /** API 46.0 added the {@code created} flag and the 200 (instead of 204) for upsert updates (spec §2.4). */
    private static final double CREATED_FLAG_VERSION = 46.0;

    private final SalesforceSchema schema;
    private final DmlEngine dml;

    SObjectResource(SalesforceSchema schema, DmlEngine dml) {
        this.schema = schema;
        this.dml = dml;
    }

    ApiResponse handle(ApiRequest request, CallScope scope) {
        if (request.depth() == 1) {
            if (!request.method().equals("GET")) {
                throw Responses.methodNotAllowed(request, "GET", "HEAD");
            }
            return ApiResponse.of(200, globalDescribe(request.version()));
        }
        SObjectDefinition def = schema.object(request.segment(1)).orElseThrow(Responses::notFound);
        return switch (request.depth()) {
            case 2 -> switch (request.method()) {
                case "POST" -> {
                    String id = dml.create(scope.tx(), def, request.json(), scope.write());
                    yield Responses.created(request.version(), def.name(), id, null);
                }
                case "GET" -> ApiResponse.of(200, basicInfo(def, request.version()));
                default -> throw Responses.methodNotAllowed(request, "GET", "HEAD", "POST");
            };
            case 3 -> request.segment(2).equals("describe") ? describe(request, def) : byId(request, scope, def);
            case 4 -> byExternalId(request, scope, def);
            default -> throw Responses.notFound();
        };
    }

    private ApiResponse byId(ApiRequest request, CallScope scope, SObjectDefinition def) {
        String rawId = request.segment(2);
        return switch (request.method()) {
            case "GET" -> {
                Row row = dml.requireLive(scope.tx(), def, rawId);
                yield ApiResponse.of(200, render(def, row, request.version(), request.queryParam("fields")));
            }
            case "PATCH" -> {
                dml.update(scope.tx(), def, rawId, request.json(), scope.write());
                yield ApiResponse.noContent();
            }
            case "DELETE" -> {
                dml.delete(scope.tx(), def, rawId, scope.write());
                yield ApiResponse.noContent();
            }
            default -> throw Responses.methodNotAllowed(request, "GET", "HEAD", "PATCH", "DELETE");
        };
    }

    private ApiResponse byExternalId(ApiRequest request, CallScope scope, SObjectDefinition def) {
        FieldDefinition key = dml.externalIdField(def, request.segment(2));
        String value = request.segment(3);
        return switch (request.method()) {
            case "PATCH" -> {
                boolean updateOnly = "true".equalsIgnoreCase(request.queryParam("updateOnly"));
                UpsertOutcome outcome = dml.upsert(scope.tx(), def, key.name(), value, request.json(), updateOnly,
                        scope.write());
                boolean createdFlag = Double.parseDouble(request.version()) >= CREATED_FLAG_VERSION;
                if (outcome.ambiguous()) {
                    yield Responses.multipleChoices(request.version(), def.name(), outcome.matches());
                }
                if (outcome.created()) {
                    yield Responses.created(request.version(), def.name(), outcome.id(), createdFlag ? true : null);
                }
                yield createdFlag ? ApiResponse.of(200, Responses.saveResult(outcome.id(), false))
                        : ApiResponse.noContent();
            }
            case "GET", "DELETE" -> {
                List<Row> matches = dml.findByExternalId(scope.tx(), def, key, value);
                if (matches.isEmpty()) {
                    throw Responses.notFound();
                }
                if (matches.size() > 1) {
                    yield Responses.multipleChoices(request.version(), def.name(),
                            matches.stream().map(Row::id).toList());
                }
                Row row = matches.getFirst();
                if (request.method().equals("GET")) {
                    yield ApiResponse.of(200, render(def, row, request.version(), request.queryParam("fields")));
                }
                dml.delete(scope.tx(), def, row.id(), scope.write());
                yield ApiResponse.noContent();
            }
            default -> throw Responses.methodNotAllowed(request, "GET", "HEAD", "PATCH", "DELETE");
        };
    }

    /** The record with {@code attributes} first, then every field (or the {@code fields=} subset) in schema order. */
    static ObjectNode render(SObjectDefinition def, Row row, String version, String fieldsParam) {
        List<FieldDefinition> fields = def.fields();
        if (fieldsParam != null && !fieldsParam.isBlank()) {
            List<FieldDefinition> selected = new ArrayList<>();
            for (String name : fieldsParam.split(",")) {
                String trimmed = name.trim();
                selected.add(def.field(trimmed).orElseThrow(() -> ApiException.badRequest(ApiError.of(
                        "INVALID_FIELD", "No such column '" + trimmed + "' on entity '" + def.name()
                                + "'. If you are attempting to use a custom field, be sure to append the '__c' after"
                                + " the custom field name. Please reference your WSDL or the describe call for the"
                                + " appropriate names."))));
            }
            fields = selected;
        }
        ObjectNode node = Json.object();
        node.set("attributes", QueryExecutor.attributes(def.name(), row.id(), version));
        for (FieldDefinition field : fields) {
            node.set(field.name(), FieldValues.toJson(row.get(field.name())));
        }
        return node;
    }

    private ObjectNode globalDescribe(String version) {
        ObjectNode body = Json.object();
        body.put("encoding", "UTF-8");
        body.put("maxBatchSize", 200);
        ArrayNode objects = body.putArray("sobjects");
        for (SObjectDefinition def : schema.objects()) {
            objects.add(summary(def, version));
        }
        return body;
    }

    private ObjectNode basicInfo(SObjectDefinition def, String version) {
        ObjectNode body = Json.object();
        body.set("objectDescribe", summary(def, version));
        body.putArray("recentItems");
        return body;
    }

    private static ObjectNode summary(SObjectDefinition def, String version) {
        ObjectNode node = Json.object();
        String base = "/services/data/v" + version + "/sobjects/" + def.name();
        node.put("name", def.name());
        node.put("label", def.label());
        node.put("keyPrefix", def.keyPrefix());
        node.put("custom", false);
        node.put("createable", true);
        node.put("updateable", true);
        node.put("deletable", true);
        node.put("queryable", true);
        ObjectNode urls = node.putObject("urls");
        urls.put("sobject", base);
        urls.put("describe", base + "/describe");
        urls.put("rowTemplate", base + "/{ID}");
        return node;
    }

    private ApiResponse describe(ApiRequest request, SObjectDefinition def) {
        if (!request.method().equals("GET")) {
            throw Responses.methodNotAllowed(request, "GET", "HEAD");
        }
        ObjectNode body = summary(def, request.version());
        ArrayNode fields = body.putArray("fields");
        for (FieldDefinition field : def.fields()) {
            ObjectNode f = fields.addObject();
            f.put("name", field.name());
            f.put("label", field.label());
            f.put("type", field.type() == FieldType.AUTONUMBER ? "string" : field.type().describeName());
            f.put("length", field.type().isText() || field.type().isIdLike() ? field.length() : 0);
            f.put("createable", field.createable());
            f.put("updateable", field.updateable());
            // Required on create is derivable as createable && !nillable && !defaultedOnCreate (spec §2.6).
            f.put("nillable", !field.required() && field.type() != FieldType.BOOLEAN && !field.name().equals("Id"));
            f.put("defaultedOnCreate", field.defaultValue() != null || !field.createable());
            f.put("externalId", field.externalId());
            f.put("unique", field.unique());
            f.put("idLookup", field.name().equals("Id") || field.externalId());
            f.put("custom", field.name().endsWith("__c"));
            f.put("autoNumber", field.type() == FieldType.AUTONUMBER);
            f.put("calculated", false);
            ArrayNode referenceTo = f.putArray("referenceTo");
            if (field.referenceTo() != null) {
                referenceTo.add(field.referenceTo());
            }
            f.put("relationshipName", field.relationshipName());
            f.put("restrictedPicklist", field.restrictedPicklist());
            ArrayNode picklist = f.putArray("picklistValues");
            for (String value : field.picklistValues()) {
                ObjectNode entry = picklist.addObject();
                entry.put("value", value);
                entry.put("label", value);
                entry.put("active", true);
                entry.put("defaultValue", false);
                entry.putNull("validFor");
            }
        }
        return ApiResponse.of(200, body);
    }
}
