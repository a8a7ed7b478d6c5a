package dev.tandem.salesforce.bulk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished job and its per-record outcome (salesforce-api.md §5 step 5).
 *
 * @param unprocessed rows Salesforce never got to (a job failed or aborted midway), with the fields as uploaded
 */
public record BulkResult(BulkJobInfo job, List<BulkSuccess> successes, List<BulkFailure> failures,
                         List<Map<String, String>> unprocessed) {

    public BulkResult {
        successes = List.copyOf(successes);
        failures = List.copyOf(failures);
        unprocessed = unprocessed.stream()
                .map(row -> Collections.unmodifiableMap(new LinkedHashMap<>(row))).toList();
    }
}
