package dev.tandem.core.write;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One record of a {@link WriteGroup}: an upsert of {@code entity} by its external key.
 *
 * <p>{@code fields} may hold {@code "@{ref.id}"} to point at the id of an earlier record of the same group (the
 * target decides how: Salesforce resolves it inside a Composite Graph). A field value that is an object with an
 * {@code "enrich"} member is a placeholder an {@link dev.tandem.core.connector.Enricher} fills in before the write
 * (e.g. {@code {"enrich": "pricebookEntry", "productKey": "P-1", ...}}); the {@code to} step refuses a group that
 * still holds one.
 *
 * @param ref      the record's name inside its group, e.g. {@code order}
 * @param entity   the target object, e.g. {@code Order}
 * @param keyField the target's external-id field, e.g. {@code Clarity_Order_Key__c}
 * @param key      the external key value, e.g. {@code SO-5001}
 * @param fields   the values to write (the key field need not be repeated)
 */
public record RecordWrite(String ref, String entity, String keyField, String key, ObjectNode fields) {

    public RecordWrite {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(keyField, "keyField");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fields, "fields");
    }

    public RecordWrite withFields(ObjectNode newFields) {
        return new RecordWrite(ref, entity, keyField, key, newFields);
    }
}
