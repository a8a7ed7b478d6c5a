package dev.tandem.salesforce.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.NodeResult;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.api.SalesforceWriter;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import dev.tandem.salesforce.client.PathSegments;
import dev.tandem.salesforce.enrich.PricebookEntryResolver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tandem's Salesforce writer for flows: a {@link WriteGroup} of several records becomes ONE Composite Graph (an
 * all-or-nothing transaction; salesforce-api.md §2.10, https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph_introduction.htm
 * "Composite Graphs"), every record an upsert by its external id
 * ({@code PATCH /sobjects/{SObject}/{ExtIdField}/{value}}, "Insert or Update (Upsert) a Record Using an External
 * ID"); a single-record group goes to the sObject Collections lane. Both go through the
 * {@link BatchingSalesforceWriter}, which packs the groups of all callers into the fewest requests.
 *
 * <p>A record whose fields hold {@code "Id"} was linked to an existing Salesforce record (by
 * {@link dev.tandem.salesforce.duplicates.DuplicateMatchEnricher}): it is written to that record as an upsert by
 * Id ({@code PATCH /sobjects/{SObject}/Id/{id}}, §2.4) with its external key among the fields, which sets the key
 * on it. Collections upserts take external ids only ("Don't use record ids", §2.8), so such a group always goes as
 * a graph.
 *
 * <p>Replay recovery is Salesforce knowledge and lives here: a group written before whose link was lost (a crash
 * between the write and the store commit) comes back as a replay, and its graph updates OrderItems with their
 * create-only fields (OrderId, PricebookEntryId), which Salesforce may refuse with INVALID_FIELD_FOR_INSERT_UPDATE
 * (or DUPLICATE_VALUE). The root record is then looked up once by its external id; if it exists the group is
 * reported as {@link WriteOutcome.Written#replayed()}. Costs a query only then.
 */
public final class SalesforceRecordWriter implements RecordWriter {

    private final SalesforceWriter writer;
    private final SalesforceApi api;
    private final AtomicLong sequence = new AtomicLong();

    public SalesforceRecordWriter(SalesforceWriter writer, SalesforceApi api) {
        this.writer = writer;
        this.api = api;
    }

    @Override
    public CompletableFuture<WriteOutcome> write(WriteGroup group) {
        if (group.records().size() == 1 && !linked(group.records().getFirst())) {
            RecordWrite r = group.records().getFirst();
            ObjectNode record = r.fields().deepCopy();
            record.put(r.keyField(), r.key());
            String request = "PATCH /composite/sobjects/" + r.entity() + "/" + r.keyField() + " (packed by the batching writer)";
            return writer.upsert(PathSegments.apiName(r.entity(), "sObject"), PathSegments.apiName(r.keyField(), "field"), record)
                    .thenApply(save -> single(r, save, request));
        }
        Graph graph = graph(group);
        String request = "POST /composite/graph (packed by the batching writer)";
        return writer.graph(graph).thenApply(result -> outcome(group, result, request));
    }

    @Override
    public void flush() {
        writer.flush();
    }

    /** An upsert on the {@code Id} field names the record by its Salesforce id (it only ever updates). */
    @Override
    public boolean keysByRecordId(String keyField) {
        return "Id".equalsIgnoreCase(keyField);
    }

    private Graph graph(WriteGroup group) {
        List<GraphNode> nodes = group.records().stream().map(SalesforceRecordWriter::node).toList();
        // Graph ids must be unique within a request, and the batching writer may share one with other callers.
        return new Graph("g" + sequence.incrementAndGet(), nodes);
    }

    private static GraphNode node(RecordWrite r) {
        String object = "sobjects/" + PathSegments.apiName(r.entity(), "sObject") + "/";
        if (linked(r)) {
            ObjectNode body = r.fields().deepCopy();
            String id = body.remove("Id").asText();
            body.put(r.keyField(), r.key());
            return new GraphNode("PATCH", object + "Id/" + PathSegments.encode(id), r.ref(), body);
        }
        return new GraphNode("PATCH", object + PathSegments.apiName(r.keyField(), "field") + "/"
                + PathSegments.encode(r.key()), r.ref(), r.fields());
    }

    /** Linked to an existing record by its id (see the class comment). */
    static boolean linked(RecordWrite r) {
        return r.fields().path("Id").isTextual() && !r.fields().path("Id").asText().isBlank();
    }

    private static WriteOutcome single(RecordWrite r, SaveResult save, String request) {
        if (save.success()) {
            return new WriteOutcome.Written(Map.of(r.ref(), save.id()), false, request);
        }
        ApiError error = save.errors().isEmpty()
                ? new ApiError("UNKNOWN_ERROR", "Salesforce refused the record without saying why", List.of(), true)
                : save.errors().getFirst();
        return new WriteOutcome.Rejected(r.ref(), error, request);
    }

    private WriteOutcome outcome(WriteGroup group, GraphResult result, String request) {
        if (result.successful()) {
            Map<String, String> ids = new LinkedHashMap<>();
            for (RecordWrite r : group.records()) {
                ids.put(r.ref(), result.node(r.ref()).map(NodeResult::id).orElse(""));
            }
            return new WriteOutcome.Written(ids, false, request);
        }
        ApiError cause = result.cause().orElse(new ApiError("UNKNOWN_ERROR",
                "Salesforce rolled the graph back without saying why", List.of(), true));
        String where = result.nodes().stream().filter(n -> n.errors().stream().anyMatch(e -> e == cause))
                .map(NodeResult::referenceId).findFirst().orElse("?");
        if ("INVALID_FIELD_FOR_INSERT_UPDATE".equals(cause.errorCode()) || "DUPLICATE_VALUE".equals(cause.errorCode())) {
            Optional<String> existing = existingRoot(group);
            if (existing.isPresent()) {
                return new WriteOutcome.Written(Map.of(group.root(), existing.get()), true,
                        request + "; SELECT " + group.rootRecord().entity() + " by " + group.rootRecord().keyField());
            }
        }
        return new WriteOutcome.Rejected(where, cause, request);
    }

    private Optional<String> existingRoot(WriteGroup group) {
        RecordWrite root = group.rootRecord();
        try {
            String soql = "SELECT Id FROM " + PathSegments.apiName(root.entity(), "sObject") + " WHERE "
                    + PathSegments.apiName(root.keyField(), "field") + " = " + PricebookEntryResolver.soqlString(root.key());
            List<ObjectNode> rows = api.query(soql);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst().path("Id").asText());
        } catch (IntegrationException e) {
            return Optional.empty();
        }
    }

    static boolean isPlaceholder(JsonNode v) {
        return v.isObject() && v.has("enrich");
    }
}
