package dev.tandem.core.flow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An operator's edit of a dead letter, applied when it is retried (issue 9, "edit and retry"): source fields
 * overridden after the record is fetched, and/or the mapped request replaced after the transform. Either may be null.
 *
 * @param source  a JSON object merged into the fetched record (objects merge field by field, other values replace)
 * @param request a whole write plan ({@code {"records": [...], "root": ...}}) sent instead of the mapping's
 */
public record RecordEdit(JsonNode source, JsonNode request) {

    public boolean isEmpty() {
        return (source == null || source.isNull() || source.isMissingNode())
                && (request == null || request.isNull() || request.isMissingNode());
    }
}
