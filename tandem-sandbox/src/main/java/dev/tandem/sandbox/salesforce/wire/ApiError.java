package dev.tandem.sandbox.salesforce.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One entry of a Salesforce REST error array (spec §2.2): {@code {"message","errorCode","fields"?}}.
 *
 * @param fields null when the real API omits the key (e.g. NOT_FOUND, INVALID_SESSION_ID)
 */
public record ApiError(String errorCode, String message, List<String> fields) {

    public ApiError {
        fields = fields == null ? null : List.copyOf(fields);
    }

    public static ApiError of(String errorCode, String message) {
        return new ApiError(errorCode, message, null);
    }

    public static ApiError of(String errorCode, String message, List<String> fields) {
        return new ApiError(errorCode, message, fields);
    }

    public static ApiError notFound() {
        return of("NOT_FOUND", "The requested resource does not exist");
    }

    /** The single-request form: {@code errorCode}. */
    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("message", message);
        node.put("errorCode", errorCode);
        if (fields != null) {
            ArrayNode array = node.putArray("fields");
            fields.forEach(array::add);
        }
        return node;
    }

    /**
     * The SaveResult-list form used inside sObject Collections results: {@code statusCode} instead of
     * {@code errorCode}, and {@code fields} always present (spec §2.8).
     */
    public ObjectNode toSaveResultJson() {
        ObjectNode node = Json.object();
        node.put("statusCode", errorCode);
        node.put("message", message);
        ArrayNode array = node.putArray("fields");
        if (fields != null) {
            fields.forEach(array::add);
        }
        return node;
    }
}
