package dev.tandem.sandbox.salesforce.bulk;

import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import java.nio.charset.StandardCharsets;

/**
 * A Bulk API 2.0 answer: JSON (job info, lists, errors) or a result CSV ({@code text/csv}).
 *
 * @param json null for a CSV answer
 * @param csv  null for a JSON answer
 */
public record BulkReply(ApiResponse json, byte[] csv) {

    static BulkReply json(ApiResponse response) {
        return new BulkReply(response, null);
    }

    static BulkReply csv(String text) {
        return new BulkReply(null, text.getBytes(StandardCharsets.UTF_8));
    }
}
