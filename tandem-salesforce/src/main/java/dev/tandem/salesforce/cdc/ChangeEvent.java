package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * One decoded change event (salesforce-api.md §4.2; "ChangeEventHeader Fields",
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm).
 *
 * @param topic           the Pub/Sub topic it came on
 * @param replayId        the opaque replay id, hex
 * @param schemaId        the writer schema's id
 * @param entityName      the object, e.g. {@code Account}
 * @param recordIds       the records (several when Salesforce merged the same change to several records)
 * @param changeType      CREATE, UPDATE, DELETE, UNDELETE, GAP_*, GAP_OVERFLOW
 * @param changeOrigin    e.g. {@code com/salesforce/api/rest/64.0;client=tandem}; may be empty
 * @param commitTimestamp epoch ms
 * @param changedFields   decoded names ({@code BillingAddress.City} for sub-fields)
 * @param nulledFields    decoded names
 * @param diffFields      decoded names
 * @param fields          the body fields that carry a value, plus the nulled fields as JSON null (unchanged fields,
 *                        null in the Avro record, are left out)
 */
public record ChangeEvent(String topic, String replayId, String schemaId, String entityName, List<String> recordIds,
                          String changeType, String changeOrigin, String transactionKey, int sequenceNumber,
                          long commitTimestamp, long commitNumber, String commitUser, List<String> changedFields,
                          List<String> nulledFields, List<String> diffFields, ObjectNode fields) {

    public ChangeEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(replayId, "replayId");
        Objects.requireNonNull(entityName, "entityName");
        recordIds = List.copyOf(recordIds);
        Objects.requireNonNull(changeType, "changeType");
        changeOrigin = changeOrigin == null ? "" : changeOrigin;
        transactionKey = transactionKey == null ? "" : transactionKey;
        commitUser = commitUser == null ? "" : commitUser;
        changedFields = List.copyOf(changedFields);
        nulledFields = List.copyOf(nulledFields);
        diffFields = List.copyOf(diffFields);
        Objects.requireNonNull(fields, "fields");
    }

    /** GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE: header only, the records must be re-read. */
    public boolean isGap() {
        return changeType.startsWith("GAP_") && !isOverflow();
    }

    /** GAP_OVERFLOW: one transaction changed over 100,000 records; the object must be re-read. */
    public boolean isOverflow() {
        return changeType.equals("GAP_OVERFLOW");
    }

    /**
     * The client id in {@code changeOrigin} ({@code ...;client=<id>}): "Use this field to detect whether your app
     * initiated the change to not process the change again" (ChangeEventHeader Fields). Empty when there is none.
     */
    public String originClient() {
        int at = changeOrigin.indexOf(";client=");
        if (at < 0) {
            return "";
        }
        String client = changeOrigin.substring(at + ";client=".length());
        int end = client.indexOf(';');
        client = end < 0 ? client : client.substring(0, end);
        return client.endsWith("/") ? client.substring(0, client.length() - 1) : client;
    }
}
