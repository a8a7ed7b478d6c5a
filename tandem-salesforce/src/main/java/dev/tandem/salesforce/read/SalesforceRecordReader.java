package dev.tandem.salesforce.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.client.SalesforceRestClient;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Salesforce as a flow's source: the {@code fetch} step reads the current records a change event announced (an
 * event is a notification, never the record). A batch is read with sObject Collections retrieve,
 * {@code GET /composite/sobjects/<SObject>?ids=…&fields=…} (up to 2,000 ids per call; REST API Developer Guide,
 * "Get Multiple Records with Fewer Round-Trips", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm),
 * with every field the object's describe lists (cached by {@link DescribeCache}) except compound address and
 * location fields, which Collections retrieve does not return (their parts are read instead).
 *
 * <p>Deleted records: Collections retrieve answers {@code null} for a record in the Recycle Bin, yet a DELETE change
 * event carries no field at all (only the header's record ids), so a flow could not tell which record of the other
 * system the deleted one was linked to. The ids retrieve did not return are therefore looked up once more with
 * {@code queryAll} ({@code SELECT … WHERE Id IN (…) AND IsDeleted = true}; "queryAll ... returns records that have
 * been deleted because of a merge or delete", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm):
 * a deleted record is returned with {@code IsDeleted: true} and its last values, until the Recycle Bin is emptied.
 * This costs a query only for a batch that has such ids.
 */
public final class SalesforceRecordReader implements RecordReader {

    /** Salesforce record ids: 15 or 18 letters and digits. */
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?");
    private static final int CHUNK = 2_000;
    /** Ids per queryAll of deleted records: keeps the SOQL text far below its 100,000-character limit. */
    private static final int DELETED_CHUNK = 200;

    private final SalesforceRestClient client;
    private final DescribeCache describe;

    public SalesforceRecordReader(SalesforceRestClient client) {
        this.client = client;
        this.describe = client.describeCache();
    }

    @Override
    public Optional<ObjectNode> fetch(String entity, String id) {
        return Optional.ofNullable(fetchAll(entity, List.of(id)).get(id));
    }

    @Override
    public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
        List<String> wanted = new ArrayList<>(new LinkedHashSet<>(ids));
        for (String id : wanted) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("a Salesforce record id is 15 or 18 letters and digits, got: " + id);
            }
        }
        List<String> fields = fields(entity);
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (int from = 0; from < wanted.size(); from += CHUNK) {
            List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + CHUNK));
            List<Optional<ObjectNode>> records = client.retrieveRecords(entity, chunk, fields);
            for (int i = 0; i < chunk.size(); i++) {
                Optional<ObjectNode> record = i < records.size() ? records.get(i) : Optional.empty();
                if (record.isPresent()) {
                    found.put(chunk.get(i), record.get());
                } else {
                    missing.add(chunk.get(i));
                }
            }
        }
        for (int from = 0; from < missing.size(); from += DELETED_CHUNK) {
            List<String> chunk = missing.subList(from, Math.min(missing.size(), from + DELETED_CHUNK));
            found.putAll(deleted(entity, chunk, fields));
        }
        return found;
    }

    /**
     * The records of {@code ids} that are in the Recycle Bin, by {@code queryAll}, with {@code IsDeleted: true}.
     * SOQL refuses the whole query for one id that is well-formed but no id of the org ("invalid ID field"), where
     * retrieve just answers null: then each id is asked on its own and the ones refused count as not found.
     */
    private Map<String, ObjectNode> deleted(String entity, List<String> ids, List<String> fields) {
        try {
            return queryDeleted(entity, ids, fields);
        } catch (IntegrationException refused) {
            if (refused.retryable()) {
                throw refused;
            }
            if (ids.size() == 1) {
                return Map.of();
            }
            Map<String, ObjectNode> byId = new LinkedHashMap<>();
            for (String id : ids) {
                byId.putAll(deleted(entity, List.of(id), fields));
            }
            return byId;
        }
    }

    private Map<String, ObjectNode> queryDeleted(String entity, List<String> ids, List<String> fields) {
        List<String> select = new ArrayList<>(fields);
        if (select.stream().noneMatch("IsDeleted"::equalsIgnoreCase)) {
            select.add("IsDeleted");
        }
        // The ids were checked against ID above: letters and digits only, nothing to escape.
        String soql = "SELECT " + String.join(", ", select) + " FROM " + entity + " WHERE Id IN ('"
                + String.join("', '", ids) + "') AND IsDeleted = true";
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (ObjectNode row : client.queryAll(soql)) {
            String id = row.path("Id").asText();
            // Ids may be asked for in their 15- or 18-character form: key the answer as it was asked.
            for (String asked : ids) {
                if (id.equals(asked) || id.length() == 18 && asked.length() == 15 && id.startsWith(asked)) {
                    byId.put(asked, row);
                }
            }
        }
        return byId;
    }

    /** The object's readable fields from its describe, without compound ones. */
    private List<String> fields(String entity) {
        List<String> names = new ArrayList<>();
        for (JsonNode f : describe.describe(entity).path("fields")) {
            String type = f.path("type").asText("");
            if (!type.equals("address") && !type.equals("location")) {
                names.add(f.path("name").asText());
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("the describe of " + entity + " lists no fields");
        }
        return names;
    }
}
