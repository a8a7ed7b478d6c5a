package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.FieldValues;
import dev.tandem.sandbox.salesforce.dml.UpsertOutcome;
import dev.tandem.sandbox.salesforce.schema.DeleteRule;
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
    private final PlatformEvents events;

    SObjectResource(SalesforceSchema schema, DmlEngine dml, PlatformEvents events) {
        this.schema = schema;
        this.dml = dml;
        this.events = events;
    }

    ApiResponse handle(ApiRequest request, CallScope scope) {
        if (request.depth() == 1) {
            if (!request.method().equals("GET")) {
                throw Responses.methodNotAllowed(request, "GET", "HEAD");
            }
            return ApiResponse.of(200, globalDescribe(request.version()));
        }
        if (request.depth() == 2 && request.method().equals("POST")
                && PlatformEvents.isEventType(request.segment(1))) {
            return events.publish(request.segment(1), request.json(), scope.write().now(), scope.write().userId());
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
            case 3 -> request.segment(2).equals("describe") ? describe(request, scope, def) : byId(request, scope, def);
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

    /**
     * The describe of spec §2.6: every top-level key of the restforce fixture, and per field the flags clients read
     * (type, length, byteLength, precision/scale, nillable, createable, updateable, defaultedOnCreate, unique,
     * externalId, picklist values with {@code restrictedPicklist}, referenceTo/relationshipName).
     */
    private ApiResponse describe(ApiRequest request, CallScope scope, SObjectDefinition def) {
        if (!request.method().equals("GET")) {
            throw Responses.methodNotAllowed(request, "GET", "HEAD");
        }
        ObjectNode body = summary(def, request.version());
        body.put("activateable", false);
        body.put("customSetting", false);
        body.put("deprecatedAndHidden", false);
        body.put("feedEnabled", false);
        body.put("labelPlural", def.label().endsWith("y") ? def.label().substring(0, def.label().length() - 1)
                + "ies" : def.label() + "s");
        body.put("layoutable", true);
        body.put("listviewable", true);
        body.put("lookupLayoutable", true);
        body.put("mergeable", def.name().equals("Account") || def.name().equals("Contact"));
        body.put("replicateable", true);
        body.put("retrieveable", true);
        body.put("searchable", true);
        body.put("searchLayoutable", true);
        body.put("triggerable", true);
        body.put("undeletable", true);
        ArrayNode children = body.putArray("childRelationships");
        for (SalesforceSchema.ChildRelationship child : schema.childRelationships(def.name())) {
            ObjectNode c = children.addObject();
            c.put("cascadeDelete", child.field().deleteRule() == DeleteRule.CASCADE);
            c.put("childSObject", child.child().name());
            c.put("deprecatedAndHidden", false);
            c.put("field", child.field().name());
            c.put("relationshipName", child.relationshipName());
            c.put("restrictedDelete", child.field().deleteRule() == DeleteRule.RESTRICT);
        }
        ArrayNode recordTypes = body.putArray("recordTypeInfos");
        ObjectNode master = recordTypes.addObject();
        master.put("active", true);
        master.put("available", true);
        master.put("defaultRecordTypeMapping", true);
        master.put("developerName", "Master");
        master.put("master", true);
        master.put("name", "Master");
        master.put("recordTypeId", "012000000000000AAA");
        // The object's own active record types after Master, in creation order. The sandbox's user keeps Master as
        // its default mapping, so records created without a RecordTypeId keep it null [inferred].
        if (def.field("RecordTypeId").isPresent()) {
            for (Row type : scope.tx().all(SalesforceSchema.RECORD_TYPE)) {
                if (type.deleted() || !def.name().equals(type.get("SobjectType"))
                        || !Boolean.TRUE.equals(type.get("IsActive"))) {
                    continue;
                }
                ObjectNode info = recordTypes.addObject();
                info.put("active", true);
                info.put("available", true);
                info.put("defaultRecordTypeMapping", false);
                info.put("developerName", String.valueOf(type.get("DeveloperName")));
                info.put("master", false);
                info.put("name", String.valueOf(type.get("Name")));
                info.put("recordTypeId", type.id());
                info.putObject("urls").put("layout", "/services/data/v" + request.version() + "/sobjects/"
                        + def.name() + "/describe/layouts/" + type.id());
            }
        }
        ArrayNode fields = body.putArray("fields");
        for (FieldDefinition field : def.fields()) {
            fields.add(describeField(field));
        }
        return ApiResponse.of(200, body);
    }

    private static ObjectNode describeField(FieldDefinition field) {
        FieldType type = field.type();
        boolean text = type.isText() || type.isIdLike();
        boolean defaulted = field.defaultValue() != null || !field.createable() || type == FieldType.BOOLEAN;
        ObjectNode f = Json.object();
        f.put("name", field.name());
        f.put("label", field.label());
        f.put("type", type == FieldType.AUTONUMBER ? "string" : type.describeName());
        f.put("soapType", soapType(type));
        f.put("length", text ? field.length() : 0);
        // Salesforce stores text as UTF-8 with up to 3 bytes per character.
        f.put("byteLength", text ? field.length() * (type.isIdLike() ? 1 : 3) : 0);
        f.put("digits", 0);
        f.put("precision", type.isNumeric() ? 18 : 0);
        f.put("scale", type == FieldType.CURRENCY ? 2 : 0);
        f.put("createable", field.createable());
        f.put("updateable", field.updateable());
        // "Required on create" is createable && !nillable && !defaultedOnCreate (spec §2.6).
        f.put("nillable", !field.required() && type != FieldType.BOOLEAN && !field.name().equals("Id")
                && !field.name().equals("IsDeleted"));
        f.put("defaultedOnCreate", defaulted);
        if (field.defaultValue() == null) {
            f.putNull("defaultValue");
        } else {
            f.set("defaultValue", FieldValues.toJson(field.defaultValue()));
        }
        f.putNull("defaultValueFormula");
        f.put("externalId", field.externalId());
        f.put("unique", field.unique());
        f.put("caseSensitive", false);
        f.put("idLookup", field.name().equals("Id") || field.externalId());
        f.put("nameField", field.name().equals("Name"));
        f.put("custom", field.name().endsWith("__c"));
        f.put("autoNumber", type == FieldType.AUTONUMBER);
        f.put("calculated", false);
        f.putNull("calculatedFormula");
        f.put("filterable", type != FieldType.TEXTAREA || field.length() <= 255);
        f.put("sortable", type != FieldType.TEXTAREA || field.length() <= 255);
        f.put("groupable", type != FieldType.TEXTAREA && !type.isNumeric() && type != FieldType.DATETIME);
        f.put("htmlFormatted", false);
        f.put("dependentPicklist", false);
        f.putNull("controllerName");
        f.put("deprecatedAndHidden", false);
        f.putNull("inlineHelpText");
        f.put("namePointing", false);
        f.put("writeRequiresMasterRead", false);
        ArrayNode referenceTo = f.putArray("referenceTo");
        if (field.referenceTo() != null) {
            referenceTo.add(field.referenceTo());
        }
        f.put("relationshipName", field.relationshipName());
        f.putNull("relationshipOrder");
        f.put("restrictedPicklist", field.restrictedPicklist());
        ArrayNode picklist = f.putArray("picklistValues");
        for (String value : field.picklistValues()) {
            ObjectNode entry = picklist.addObject();
            entry.put("active", true);
            entry.put("defaultValue", false);
            entry.put("label", value);
            entry.putNull("validFor");
            entry.put("value", value);
        }
        return f;
    }

    private static String soapType(FieldType type) {
        return switch (type) {
            case ID, REFERENCE -> "tns:ID";
            case BOOLEAN -> "xsd:boolean";
            case CURRENCY, DOUBLE -> "xsd:double";
            case DATE -> "xsd:date";
            case DATETIME -> "xsd:dateTime";
            default -> "xsd:string";
        };
    }
}
