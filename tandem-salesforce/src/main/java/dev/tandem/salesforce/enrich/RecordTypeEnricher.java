package dev.tandem.salesforce.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code salesforce.recordTypes}: fills {@code {"enrich": "recordType", "developerName": "Business"}} with the id of
 * the record's object's record type of that developer name, read once per object with
 * {@code SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = '<object>'} and cached (record type ids do
 * not change; https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_recordtype.htm
 * "RecordType"). An empty {@code developerName} removes the field (the org's default record type applies); an
 * unknown one is a permanent failure naming the types the org has.
 */
public final class RecordTypeEnricher implements Enricher {

    public static final String NAME = "salesforce.recordTypes";

    private final SalesforceApi salesforce;
    private final Map<String, Map<String, String>> idsByObject = new ConcurrentHashMap<>();

    public RecordTypeEnricher(SalesforceApi salesforce) {
        this.salesforce = salesforce;
    }

    @Override
    public List<Result> enrich(List<WriteGroup> groups) {
        List<Result> out = new ArrayList<>(groups.size());
        for (WriteGroup g : groups) {
            out.add(fill(g));
        }
        return out;
    }

    private Result fill(WriteGroup g) {
        List<RecordWrite> records = new ArrayList<>(g.records().size());
        for (RecordWrite r : g.records()) {
            ObjectNode fields = null;
            for (var f : r.fields().properties()) {
                JsonNode v = f.getValue();
                if (!(v.isObject() && "recordType".equals(v.path("enrich").asText()))) {
                    continue;
                }
                if (fields == null) {
                    fields = r.fields().deepCopy();
                }
                String name = v.path("developerName").asText("");
                if (name.isBlank()) {
                    fields.remove(f.getKey());
                    continue;
                }
                Map<String, String> types = types(r.entity());
                String id = types.get(name);
                if (id == null) {
                    return new Result.Failed(new ApiError("RECORD_TYPE_NOT_FOUND", "the org has no " + r.entity()
                            + " record type named '" + name + "' (it has: " + String.join(", ", types.keySet())
                            + "); fix the flow's record type names", List.of(f.getKey()), false));
                }
                fields.put(f.getKey(), id);
            }
            records.add(fields == null ? r : r.withFields(fields));
        }
        return new Result.Enriched(g.withRecords(records));
    }

    private Map<String, String> types(String sobject) {
        return idsByObject.computeIfAbsent(sobject, o -> {
            Map<String, String> byName = new java.util.LinkedHashMap<>();
            for (ObjectNode row : salesforce.query("SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = "
                    + PricebookEntryResolver.soqlString(o))) {
                byName.put(row.path("DeveloperName").asText(), row.path("Id").asText());
            }
            return byName;
        });
    }
}
