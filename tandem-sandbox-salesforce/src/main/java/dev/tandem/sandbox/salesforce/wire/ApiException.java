package dev.tandem.sandbox.salesforce.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/** A Salesforce error response: an HTTP status and the error array that goes with it. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final List<ApiError> errors;

    public ApiException(int status, List<ApiError> errors) {
        super(errors.isEmpty() ? "HTTP " + status : errors.getFirst().errorCode() + ": " + errors.getFirst().message(),
                null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static ApiException badRequest(ApiError error) {
        return new ApiException(400, List.of(error));
    }

    public static ApiException notFound(ApiError error) {
        return new ApiException(404, List.of(error));
    }

    public int status() {
        return status;
    }

    public List<ApiError> errors() {
        return errors;
    }

    public ArrayNode toJson() {
        ArrayNode array = Json.array();
        errors.forEach(e -> array.add(e.toJson()));
        return array;
    }
}
