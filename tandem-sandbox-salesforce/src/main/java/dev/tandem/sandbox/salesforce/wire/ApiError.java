package dev.tandem.sandbox.salesforce.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One entry of a Salesforce REST error array (spec §2.2): {@code {"message","errorCode","fields"?}}.
 *
 * @param fields          null when the real API omits the key (e.g. NOT_FOUND, INVALID_SESSION_ID)
 * @param duplicateResult the {@code duplicateResult} object of a DUPLICATES_DETECTED error (spec §2.12), else null
 */
public record ApiError(String errorCode, String message, List<String> fields, ObjectNode duplicateResult) {

    public ApiError {
        fields = fields == null ? null : List.copyOf(fields);
        duplicateResult = duplicateResult == null ? null : duplicateResult.deepCopy();
    }

    public ApiError(String errorCode, String message, List<String> fields) {
        this(errorCode, message, fields, null);
    }

    /** DUPLICATES_DETECTED with its {@code duplicateResult}; the single-record body has no {@code fields} (§2.12). */
    public static ApiError duplicates(String message, ObjectNode duplicateResult) {
        return new ApiError("DUPLICATES_DETECTED", message, null, duplicateResult);
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
        if (duplicateResult != null) {
            node.set("duplicateResult", duplicateResult.deepCopy());
        }
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
