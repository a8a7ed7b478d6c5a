package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.client.SalesforceRestClient;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link RecordReReader} over the REST API: SOQL on SystemModstamp, paged by the query cursor (salesforce-api.md
 * §2.5), and sObject Collections retrieve by id (§9). "If you receive a gap event, retrieve the record data with a
 * query" and "Gap Events" / "Overflow Events" in the Change Data Capture Developer Guide
 * (https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_other_events_gap.htm).
 * Only the fields a notification needs are read: flows fetch the current record themselves.
 */
public final class RestRecordReReader implements RecordReReader {

    static final List<String> FIELDS = List.of("Id", "SystemModstamp", "LastModifiedById");

    private final SalesforceRestClient client;

    public RestRecordReReader(SalesforceRestClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public Stream<ObjectNode> changedSince(String object, Instant since) {
        // SOQL datetime literals have second precision; truncating makes the re-read inclusive.
        String literal = since.truncatedTo(ChronoUnit.SECONDS).toString();
        return client.stream("SELECT " + String.join(", ", FIELDS) + " FROM " + object
                + " WHERE SystemModstamp >= " + literal + " ORDER BY SystemModstamp");
    }

    @Override
    public List<ObjectNode> byIds(String object, List<String> ids) {
        List<ObjectNode> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += SalesforceRestClient.MAX_RETRIEVE_IDS) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + SalesforceRestClient.MAX_RETRIEVE_IDS));
            client.retrieveRecords(object, chunk, FIELDS).stream().flatMap(Optional::stream).forEach(found::add);
        }
        return found;
    }
}
