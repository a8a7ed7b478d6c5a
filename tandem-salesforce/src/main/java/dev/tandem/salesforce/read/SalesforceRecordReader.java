package dev.tandem.salesforce.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordReader;
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
 */
public final class SalesforceRecordReader implements RecordReader {

    /** Salesforce record ids: 15 or 18 letters and digits. */
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?");
    private static final int CHUNK = 2_000;

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
        for (int from = 0; from < wanted.size(); from += CHUNK) {
            List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + CHUNK));
            List<Optional<ObjectNode>> records = client.retrieveRecords(entity, chunk, fields);
            for (int i = 0; i < chunk.size() && i < records.size(); i++) {
                int n = i;
                records.get(i).ifPresent(r -> found.put(chunk.get(n), r));
            }
        }
        return found;
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
