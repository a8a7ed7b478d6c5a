package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.error.IntegrationException;

import java.util.List;

/**
 * A save refused by a duplicate rule ({@code DUPLICATES_DETECTED}, salesforce-api.md §2.12). Permanent as sent, but
 * actionable: {@link #matchedRecordIds()} names the existing records the rule matched, so a flow can link to one of
 * them instead (or resend with {@code Sforce-Duplicate-Rule-Header: allowSave=true}).
 */
public final class DuplicatesDetectedException extends IntegrationException {

    private final transient JsonNode duplicateResult;
    private final List<String> matchedRecordIds;

    public DuplicatesDetectedException(String message, int httpStatus, List<String> fields, JsonNode duplicateResult) {
        super(ErrorClassifier.SYSTEM, "DUPLICATES_DETECTED", message, httpStatus, false, fields, null, null);
        this.duplicateResult = duplicateResult;
        this.matchedRecordIds = ErrorClassifier.matchedRecordIds(duplicateResult);
    }

    /** The {@code duplicateResult} object as Salesforce sent it (rule, match engine, confidence...). */
    public JsonNode duplicateResult() {
        return duplicateResult;
    }

    /** The ids of {@code duplicateResult.matchResults[].matchRecords[].record.Id}, in order. */
    public List<String> matchedRecordIds() {
        return matchedRecordIds;
    }
}
